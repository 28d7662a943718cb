# Forward-pass benchmark (docs/forward.md "Benchmark"): GFLOP/s of the reference forward pass
# on llama_130m (B=1, T=512) as a fraction of this machine's fp32 Eigen GEMM peak measured in
# the same run, the ratio against PyTorch doing the same job on the same threads, and the
# peak RSS of llama_7b streamed at T=128. Run: build/<dir>/tests/bench/forward_bench
find_package(Threads REQUIRED)
add_executable(forward_bench ${CMAKE_CURRENT_SOURCE_DIR}/forward_bench.cpp)
target_link_libraries(forward_bench PRIVATE llamascope::core Eigen3::Eigen Threads::Threads)
target_include_directories(forward_bench PRIVATE ${PROJECT_SOURCE_DIR}/core/src/forward)
target_compile_definitions(forward_bench PRIVATE EIGEN_DONT_PARALLELIZE EIGEN_NO_DEBUG
  LLAMASCOPE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# The GEMM peak must be measured with the same instructions the forward pass is built with.
if(LLAMASCOPE_FORWARD_NATIVE AND LLAMASCOPE_HAS_MARCH_NATIVE)
  target_compile_options(forward_bench PRIVATE -march=native)
endif()
llamascope_set_warnings(forward_bench)
