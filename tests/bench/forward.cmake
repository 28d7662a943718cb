# Forward-pass benchmark (docs/benchmarks.md): the best fp32 sgemm of this machine, the
# matmul throughput of the llama_130m pass (B=1, T=512) as a fraction of it, the pass against
# the pre-kernels Eigen code built with -march=native, PyTorch on the same job, and the peak RSS
# of llama_7b streamed at T=128. Run: build/<dir>/tests/bench/forward_bench
find_package(Threads REQUIRED)

# Today's native build as a baseline, inside the bench only: the old Eigen kernels compiled
# with -march=native into a shared library whose symbols are hidden (and bound to itself), so
# none of its native-compiled templates can stand in for the bench's baseline ones. GCC 12
# raises a false -Wmaybe-uninitialized inside avx512fintrin.h (`__Y = __Y`) when Eigen is
# compiled for AVX-512: silenced here, in this one bench-only target.
add_library(forward_bench_native SHARED ${CMAKE_CURRENT_SOURCE_DIR}/forward_native.cpp)
target_link_libraries(forward_bench_native PRIVATE Eigen3::Eigen Threads::Threads)
target_include_directories(forward_bench_native PRIVATE ${PROJECT_SOURCE_DIR}/core/src/forward
  ${PROJECT_SOURCE_DIR}/core/include)
target_compile_definitions(forward_bench_native PRIVATE EIGEN_DONT_PARALLELIZE EIGEN_NO_DEBUG)
target_compile_options(forward_bench_native PRIVATE -march=native
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized -Wno-uninitialized>)
target_link_options(forward_bench_native PRIVATE -Wl,-Bsymbolic)
set_target_properties(forward_bench_native PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)

add_executable(forward_bench ${CMAKE_CURRENT_SOURCE_DIR}/forward_bench.cpp)
target_link_libraries(forward_bench PRIVATE llamascope::core forward_bench_native Threads::Threads)
target_include_directories(forward_bench PRIVATE ${PROJECT_SOURCE_DIR}/core/src/forward)
target_compile_definitions(forward_bench PRIVATE LLAMASCOPE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
llamascope_set_warnings(forward_bench)

# OpenBLAS, if installed (Debian: libopenblas-dev), in a child process of its own
# (forward_openblas.cpp). Only the benchmark uses it: see docs/benchmarks.md for why the
# forward pass does not.
find_package(OpenBLAS CONFIG QUIET)
if(OpenBLAS_FOUND)
  add_executable(forward_bench_openblas ${CMAKE_CURRENT_SOURCE_DIR}/forward_openblas.cpp)
  target_include_directories(forward_bench_openblas PRIVATE ${OpenBLAS_INCLUDE_DIRS})
  target_link_libraries(forward_bench_openblas PRIVATE ${OpenBLAS_LIBRARIES})
  add_dependencies(forward_bench forward_bench_openblas)
else()
  message(STATUS "forward_bench: OpenBLAS not found, its sgemm is left out of the comparison")
endif()
