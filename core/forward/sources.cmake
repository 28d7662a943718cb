# Reference forward pass (SPEC §11, docs/forward.md): included by core/CMakeLists.txt.
set(llamascope_forward_sources
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/forward.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/init.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/npy.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/ops.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/safetensors.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/system.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/verify.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/weights.cpp)
target_sources(llamascope_core PRIVATE ${llamascope_forward_sources})

# Threads: std::thread per parallel region (src/forward/parallel.hpp); Eigen's own OpenMP
# threading is off, so the thread count is a parameter, never process-wide state.
find_package(Threads REQUIRED)
target_link_libraries(llamascope_core PRIVATE Threads::Threads)
set_source_files_properties(${llamascope_forward_sources} PROPERTIES
  COMPILE_DEFINITIONS "EIGEN_DONT_PARALLELIZE;EIGEN_NO_DEBUG")

# Portable by default: binaries run on any x86-64 CPU, and GCC 12's false -Werror=uninitialized
# in avx512fintrin.h (`__Y = __Y`) cannot break the build on AVX-512 machines. The option is
# kept for local experiments only.
option(LLAMASCOPE_FORWARD_NATIVE "Compile the forward pass with -march=native (not portable)" OFF)
if(LLAMASCOPE_FORWARD_NATIVE AND NOT MSVC)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-march=native LLAMASCOPE_HAS_MARCH_NATIVE)
  if(LLAMASCOPE_HAS_MARCH_NATIVE)
    set_property(SOURCE ${llamascope_forward_sources} APPEND PROPERTY COMPILE_OPTIONS -march=native)
  endif()
endif()
