# End-to-end tests of `forward` and `verify` on the committed fixtures (tests/data/forward).
llamascope_add_cli_test(test_forward_cli LABELS forward)
# The whole bundled family, llama_7b streamed: a couple of minutes on 2 cores.
llamascope_add_cli_test(test_forward_verify_family LABELS forward slow)
