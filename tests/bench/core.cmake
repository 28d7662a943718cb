# Core benchmarks (issue 2): validation, analysis and the CLI on the bundled family.
if(benchmark_FOUND)
  add_executable(core_bench ${CMAKE_CURRENT_LIST_DIR}/core_bench.cpp)
  target_link_libraries(core_bench PRIVATE llamascope::core nlohmann_json::nlohmann_json benchmark::benchmark)
  llamascope_set_warnings(core_bench)
else()
  message(STATUS "llamascope: Google Benchmark not found, core_bench skipped")
endif()
