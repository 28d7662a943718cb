"""Options over one of core's enum tables (docs/architecture.md "One table per enum"): each
command's --help lists every name of the table with its line of help and shows core's default;
a name the table does not know is a usage error (exit 2) naming the option, listing the names
and suggesting the closest spelling; aliases are accepted. The names below are the documented
ones (docs/cli.md), written out here so that a table that loses or renames a choice fails."""
import os
import re
import tempfile
import unittest

from clitest import DATA_DIR, CliTestCase

DTYPES = ["fp32", "bf16", "fp16", "int8", "int4", "fp8"]
CONVENTIONS = ["exact", "kaplan", "palm", "chinchilla"]
PLAN = ["plan", "llama_60m", "--gpus", "8", "--device", "h100-sxm", "--top", "1", "--format", "csv"]
RUNS = os.path.join(DATA_DIR, "scaling", "ladder.csv")

# (command, option, names, default shown in --help or None, arguments that reach the option's
#  parsing, a misspelling, the suggestion expected for it)
CASES = [
    ("plan", "--zero", ["0", "1", "2", "3"], None, PLAN, "full_shrd", "full_shard"),
    ("plan", "--recompute", ["none", "selective", "full"], None, PLAN, "selectiv", "selective"),
    ("plan", "--convention", CONVENTIONS, "palm", PLAN, "plam", "palm"),
    ("plan", "--precision", ["bf16", "fp16", "tf32", "fp32"], None, PLAN, "tf23", "tf32"),
    ("plan", "--emit", ["deepspeed", "fsdp", "megatron"], None, PLAN + ["--out", "OUT"], "megatorn",
     "megatron"),
    ("plan", "--kv-dtype", DTYPES, "bf16", ["plan", "llama_60m", "--inference", "--device", "h100-sxm"],
     "bf61", "bf16"),
    ("plan", "--optimizer", None, None, PLAN, "adamx", "adamw"),
    ("plan", "--attention", ["flash", "eager", "sdpa", "fused-softmax"], "flash", PLAN, "flsh", "flash"),
    ("memory", "--dtype", DTYPES, None, ["memory", "llama_60m"], "bf61", "bf16"),
    ("memory", "--grad-dtype", DTYPES, None, ["memory", "llama_60m"], "fp23", "fp32"),
    ("flops", "--attention", ["causal", "full"], "causal", ["flops", "llama_60m"], "casual", "causal"),
    ("compare", "--attention", ["causal", "full"], "causal", ["compare", "llama_60m"], "ful", "full"),
    ("generate", "--flop-convention", CONVENTIONS, "exact", ["generate", "--flops", "1e9"], "kaplna",
     "kaplan"),
    ("generate", "--ranking", ["published", "family-trend"], None, ["generate", "--params", "100M"],
     "publishd", "published"),
    ("generate", "--ffn", ["ratio", "llama"], None, ["generate", "--params", "100M"], "rato", "ratio"),
    ("generate", "--tie", ["either", "tied", "untied"], None, ["generate", "--params", "100M"], "untide",
     "untied"),
    ("generate", "--position", ["rope", "learned", "sinusoidal", "none"], None,
     ["generate", "--params", "100M"], "rop", "rope"),
    ("generate", "--precision", ["bf16", "fp16", "tf32", "fp32"], None,
     ["generate", "--params", "100M", "--device", "h100-sxm"], "bf61", "bf16"),
    ("fit", "--form", ["nd", "n", "c"], "nd", ["fit", RUNS], "ndd", "nd"),
    ("fit", "--n-count", ["total", "non-embedding", "no-input-embedding"], "total", ["fit", RUNS],
     "non-embeding", "non-embedding"),
]


def option_help(help_text, option):
    """The help of one option, its wrapped lines joined with single spaces."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s+{re.escape(option)} ", line))
    block = [lines[start]]
    for line in lines[start + 1:]:
        # The next option ("  --name") or section; wrapped lines are indented further.
        if not line.startswith("    "):
            break
        block.append(line)
    return " ".join(" ".join(block).split())


class EnumOptionsTest(CliTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.helps = {}

    def help_of(self, command):
        if command not in self.helps:
            code, out, err = self.run_cli(command, "--help")
            self.assertEqual(code, 0, err)
            self.helps[command] = out
        return self.helps[command]

    def test_help_lists_every_name_with_its_help_and_the_default(self):
        for command, option, names, default, _, _, _ in CASES:
            with self.subTest(command=command, option=option):
                text = option_help(self.help_of(command), option)
                for name in names or []:
                    self.assertRegex(text, rf"(— |; ){re.escape(name)}: \S", f"{option}: {name}\n{text}")
                if default is not None:
                    self.assertIn(f"{option} arg (={default})", text)

    def test_an_unknown_name_is_refused_with_a_suggestion(self):
        for command, option, names, _, args, typo, guess in CASES:
            with self.subTest(command=command, option=option):
                args = [os.path.join(self.tmp.name, "out") if a == "OUT" else a for a in args]
                code, out, err = self.run_cli(*args, option, typo)
                self.assertEqual(code, 2, f"{args} {option} {typo}: exit {code}\n{out}\n{err}")
                self.assertIn(f'{option} "{typo}" is not one of', err)
                for name in names or []:
                    self.assertIn(f'"{name}"', err)
                self.assertIn(f'did you mean "{guess}"?', err)
                self.assertNotIn("internal error", err)
                self.assertEqual(out, "")

    def test_aliases_and_case(self):
        # ZeRO stages ignore case and take the DeepSpeed and FSDP spellings; other tables match
        # exactly.
        for zero in ["3", "zero3", "ZeRO-3", "FULL_SHARD", "fsdp"]:
            code, out, err = self.run_cli(*PLAN, "--zero", zero)
            self.assertEqual(code, 0, f"--zero {zero}: {err}")
            self.assertIn(",3,", out.splitlines()[1], zero)
        code, _, err = self.run_cli(*PLAN, "--recompute", "Full")
        self.assertEqual(code, 2, err)
        self.assertIn('did you mean "full"?', err)
        for alias, name in [("kaplan", "non-embedding"), ("non-embedding", "non-embedding")]:
            code, out, err = self.run_cli("fit", RUNS, "--n-count", alias, "--bootstrap", "0", "--format", "json")
            self.assertEqual(code, 0, err)
            self.assertIn(f'"{name}"', out)

    def test_usage_lines_and_descriptions_come_from_the_tables(self):
        self.assertIn("[--emit deepspeed|fsdp|megatron", self.help_of("plan"))
        self.assertIn("[--attention causal|full]", self.help_of("flops"))
        flops = self.help_of("flops")
        for name in CONVENTIONS:
            self.assertRegex(flops, rf"\n  {name} +\S", name)
        self.assertIn("LLAMASCOPE_KERNEL=baseline|avx2|avx512", self.help_of("forward"))


if __name__ == "__main__":
    unittest.main()
