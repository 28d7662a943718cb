# Planner benchmark (issue 11): the exhaustive layout search against the naive scan.
if(benchmark_FOUND)
  add_executable(plan_bench ${CMAKE_CURRENT_LIST_DIR}/plan_bench.cpp)
  target_link_libraries(plan_bench PRIVATE llamascope::core benchmark::benchmark)
  llamascope_set_warnings(plan_bench)
else()
  message(STATUS "llamascope: Google Benchmark not found, plan_bench skipped")
endif()
