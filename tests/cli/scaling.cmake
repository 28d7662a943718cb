# End-to-end tests of `fit`, `predict`, `report --runs` and `generate --law` (issue 12).
llamascope_add_cli_test(test_scaling_cli LABELS scaling)
