"""`llamascope verify` over the whole bundled family, llama_7b included (label: slow, ~2.5 min).

Under a 2 GiB budget every model from llama_350m up streams one layer at a time, so the test
needs about 1 GiB whatever else CI runs beside it.
"""
import unittest

from clitest import CliTestCase


class VerifyFamily(CliTestCase):
    def test_all_sixteen_equal(self):
        code, out, err = self.run_cli("verify", "--seq", "16", "--max-memory", "2G", timeout=900)
        self.assertEqual(code, 0, out + err)
        self.assertIn("16 of 16 configs equal integer for integer", out)
        self.assertIn("llama_7b", out)
        self.assertIn("6,738,415,616", out)
        self.assertNotIn(" NO ", out)


if __name__ == "__main__":
    unittest.main()
