# Designer benchmarks (issue 4): the search over the full default space, per target kind.
if(benchmark_FOUND)
  add_executable(design_bench ${CMAKE_CURRENT_LIST_DIR}/design_bench.cpp)
  target_link_libraries(design_bench PRIVATE llamascope::core benchmark::benchmark)
  llamascope_set_warnings(design_bench)
else()
  message(STATUS "llamascope: Google Benchmark not found, design_bench skipped")
endif()
