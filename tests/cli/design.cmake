# End-to-end tests of `memory` and `generate` (issue 4).
llamascope_add_cli_test(test_design_cli LABELS design)
