# Scaling-law benchmark (issue 12, docs/scaling.md "Speed"): the full Chinchilla fit — 4,500
# L-BFGS starts and 1,000 bootstrap resamples on the 245 runs — against baselines measured in
# the same run. Run: build/<dir>/tests/bench/scaling_bench [--threads N] [--rounds R]
add_executable(scaling_bench ${CMAKE_CURRENT_LIST_DIR}/scaling_bench.cpp)
target_link_libraries(scaling_bench PRIVATE llamascope::core)
target_compile_definitions(scaling_bench PRIVATE TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
llamascope_set_warnings(scaling_bench)
