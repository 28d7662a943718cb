"""Real Hugging Face configs (tests/data/realworld, manifest.json): nine families, several
sizes each. Every file validates with no error and only the warnings transformers itself
would justify (listed below with the reason), and every total is exact against the
independent figures the manifest records: safetensors index sizes (bf16 bytes / 2) and the
Gemma papers' exact non-embedding counts. Snapshot folders are one model each."""
import json
import os
import shutil
import tempfile

from clitest import DATA_DIR, CliTestCase

REALWORLD = os.path.join(DATA_DIR, "realworld")
FAMILIES = {"llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2", "phi3", "olmo2"}

# Warnings a file may get, each justified by what transformers does with it.
JUSTIFIED = {
    # Gemma's config says hidden_act "gelu", but transformers 4.39+ run gelu_pytorch_tanh
    # (hidden_activation) and transformers 5 reads hidden_act: the versions disagree.
    "gemma/gemma-2b.json": {"version-dependent"},
    "gemma/gemma-7b.json": {"version-dependent"},
    # auto_map points at the repository's own modeling code (trust_remote_code).
    "phi3/phi-3.5-mini-instruct.json": {"custom-code"},
}


def load_manifest():
    with open(os.path.join(REALWORLD, "manifest.json")) as f:
        return json.load(f)["entries"]


def parse_size(text):
    """'12.9B' -> 12.9e9, '135M' -> 135e6."""
    text = text.strip().split()[0]
    scale = {"B": 1e9, "M": 1e6}[text[-1]]
    return float(text[:-1]) * scale


class RealWorldCorpusTest(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.entries = load_manifest()

    def analysis(self, path):
        return self.run_json("show", path)["analysis"]

    def test_corpus_covers_nine_families_and_many_sizes(self):
        families = {}
        for e in self.entries:
            families.setdefault(e["family"], []).append(e["file"])
        self.assertEqual(set(families), FAMILIES)
        self.assertGreaterEqual(len(self.entries), 30)
        for family, files in families.items():
            self.assertGreaterEqual(len(files), 2, family)

    def test_every_file_validates_without_unjustified_findings(self):
        for e in self.entries:
            with self.subTest(file=e["file"]):
                code, out, err = self.run_cli("validate", "--format", "json", os.path.join(REALWORLD, e["file"]))
                report = json.loads(out)["reports"][0]
                self.assertEqual(code, 0, report["findings"])
                self.assertEqual(report["errors"], 0)
                warnings = {f["code"] for f in report["findings"] if f["severity"] == "warning"}
                self.assertLessEqual(warnings, JUSTIFIED.get(e["file"], set()), report["findings"])

    def test_model_type_is_the_family(self):
        for e in self.entries:
            with self.subTest(file=e["file"]):
                self.assertEqual(self.analysis(os.path.join(REALWORLD, e["file"]))["config"]["model_type"], e["family"])

    def test_totals_equal_independent_exact_figures(self):
        checked = 0
        for e in self.entries:
            if e["exact_total"] is None and e.get("exact_non_embedding") is None:
                continue
            with self.subTest(file=e["file"]):
                p = self.analysis(os.path.join(REALWORLD, e["file"]))["parameters"]
                if e["exact_total"] is not None:
                    self.assertEqual(p["total"], e["exact_total"], e["exact_total_source"])
                    checked += 1
                if e.get("exact_non_embedding") is not None:
                    self.assertEqual(p["non_embedding"], e["exact_non_embedding"])
                    checked += 1
        self.assertGreaterEqual(checked, 15)

    def test_totals_equal_pytorch_meta_device_counts(self):
        """tools/make_expected_counts.py builds every corpus config's model with PyTorch on the
        meta device (tools/torch_families.py, written apart from llamascope's reader): the
        parameter total, and for a mixture of experts the active count, must be equal."""
        with open(os.path.join(REALWORLD, "expected_counts.json")) as f:
            expected = json.load(f)["counts"]
        self.assertEqual(set(expected), {e["file"] for e in self.entries})
        moe = 0
        for e in self.entries:
            with self.subTest(file=e["file"]):
                p = self.analysis(os.path.join(REALWORLD, e["file"]))["parameters"]
                self.assertEqual(p["total"], expected[e["file"]]["total"])
                self.assertEqual(p["active"], expected[e["file"]]["active"])
                moe += p["active"] != p["total"]
        self.assertGreaterEqual(moe, 2)

    def test_mixture_of_experts_active_parameters(self):
        seen = 0
        for e in self.entries:
            if not e.get("published_active"):
                continue
            with self.subTest(file=e["file"]):
                p = self.analysis(os.path.join(REALWORLD, e["file"]))["parameters"]
                published = parse_size(e["published_active"])
                # The cards round to three significant figures (12.9B, 39B).
                self.assertLess(abs(p["active"] - published) / published, 0.02)
                self.assertLess(p["active"], p["total"])
                seen += 1
        self.assertGreaterEqual(seen, 2)


class SnapshotFolderTest(CliTestCase):
    """A downloaded model folder is one model named after the folder; companions are skipped,
    except the weight index, whose tensor names are checked against the config."""

    COMPANIONS = {
        "generation_config.json": {"_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2},
        "tokenizer_config.json": {"tokenizer_class": "LlamaTokenizer", "model_max_length": 4096},
        "special_tokens_map.json": {"bos_token": "<s>", "eos_token": "</s>"},
        "model.safetensors.index.json": {"metadata": {"total_size": 1}, "weight_map": {}},
        "tokenizer.json": {"version": "1.0", "model": {"type": "BPE"}, "added_tokens": []},
    }

    def make_snapshot(self, root, name, config_file):
        folder = os.path.join(root, name)
        os.makedirs(folder)
        shutil.copy(os.path.join(REALWORLD, config_file), os.path.join(folder, "config.json"))
        for companion, body in self.COMPANIONS.items():
            with open(os.path.join(folder, companion), "w") as f:
                json.dump(body, f)
        return folder

    def test_folder_of_three_snapshots_is_three_rows(self):
        with tempfile.TemporaryDirectory() as root:
            self.make_snapshot(root, "Qwen2.5-0.5B", "qwen2/qwen2.5-0.5b.json")
            self.make_snapshot(root, "gemma-2-2b", "gemma2/gemma-2-2b.json")
            self.make_snapshot(root, "Mixtral-8x7B-v0.1", "mixtral/mixtral-8x7b-v0.1.json")
            code, out, err = self.run_cli("compare", "--format", "csv", root)
            self.assertEqual(code, 0, err)
            rows = out.strip().splitlines()[1:]
            self.assertEqual(len(rows), 3, out)
            self.assertEqual(sorted(r.split(",")[0] for r in rows), ["Mixtral-8x7B-v0.1", "Qwen2.5-0.5B", "gemma-2-2b"])
            self.assertIn("skipped 4 companion files", err)
            # The weight index is read, not skipped: its (empty) weight map names no tensor.
            self.assertIn("its weights (model.safetensors.index.json) are checked against the config", err)

    def test_one_snapshot_is_one_model_named_after_its_folder(self):
        with tempfile.TemporaryDirectory() as root:
            folder = self.make_snapshot(root, "Qwen3-0.6B", "qwen3/qwen3-0.6b.json")
            a = self.run_json("show", folder)["analysis"]
            self.assertEqual(a["name"], "Qwen3-0.6B")
            code, out, _ = self.run_cli("validate", "-q", folder)
            self.assertEqual(code, 0)
            self.assertIn("1 file:", out)
            # Naming the config.json inside also names the model after the folder.
            self.assertEqual(self.run_json("show", os.path.join(folder, "config.json"))["analysis"]["name"],
                             "Qwen3-0.6B")

    def test_hugging_face_cache_layout_names_the_repository(self):
        with tempfile.TemporaryDirectory() as hub:
            snap = os.path.join(hub, "models--Qwen--Qwen2.5-0.5B", "snapshots")
            os.makedirs(snap)
            self.make_snapshot(snap, "060db6499f32faf8b98477b0a26969ef7d8b9987", "qwen2/qwen2.5-0.5b.json")
            os.makedirs(os.path.join(hub, "models--Qwen--Qwen2.5-0.5B", "blobs"))
            code, out, err = self.run_cli("compare", "--format", "csv", hub)
            self.assertEqual(code, 0, err)
            rows = out.strip().splitlines()[1:]
            self.assertEqual([r.split(",")[0] for r in rows], ["Qwen/Qwen2.5-0.5B"])

    def test_companion_file_alone_is_not_a_model(self):
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "generation_config.json")
            with open(path, "w") as f:
                json.dump(self.COMPANIONS["generation_config.json"], f)
            code, out, _ = self.run_cli("validate", path)
            self.assertEqual(code, 1)
            self.assertIn("not-a-config", out)
            self.assertIn("generation config", out)
            code, out, _ = self.run_cli("compare", path)
            self.assertEqual(code, 1)
            self.assertNotIn("6.74B", out)
