# End-to-end tests of `forward` and `verify` on the committed fixtures (tests/data/forward).
llamascope_add_cli_test(test_forward_cli LABELS forward)
