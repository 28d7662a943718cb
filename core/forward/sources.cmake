# Reference forward pass (SPEC §11, docs/forward.md): included by core/CMakeLists.txt.
set(llamascope_forward_sources
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/activations.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/forward.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/init.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/json_reader.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/kernels.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/npy.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/ops.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/rope.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/safetensors.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/snapshot.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/system.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/verify.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/warnings.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/weights.cpp)
target_sources(llamascope_core PRIVATE ${llamascope_forward_sources})

# Threads: std::thread per parallel region (src/forward/parallel.hpp), so the thread count is
# a parameter, never process-wide state.
find_package(Threads REQUIRED)
target_link_libraries(llamascope_core PRIVATE Threads::Threads)
set_source_files_properties(${llamascope_forward_sources} PROPERTIES
  COMPILE_DEFINITIONS "EIGEN_DONT_PARALLELIZE;EIGEN_NO_DEBUG")

# Portable binaries (docs/forward.md, "Kernels and portability"): everything, Eigen included,
# is compiled for the toolchain's baseline x86-64. Only the compute kernels of the forward pass
# (src/forward/kernels_isa.cpp) are compiled again per instruction set, each build as its own
# object library with its own namespace and one exported function, and chosen at run time
# from the CPU (src/forward/kernels.cpp). Those objects see no Eigen, nlohmann or standard C++
# header, so no inline template is ever compiled with -mavx2 or -mavx512f: nothing for the
# linker to merge into baseline code, and GCC 12's false -Werror=maybe-uninitialized inside
# avx512fintrin.h (`__Y = __Y`, reached through Eigen) cannot occur.
# There is deliberately no -march=native switch: it would bring both hazards back.
set(llamascope_kernel_objects "")
function(llamascope_add_kernel_build isa)
  set(target llamascope_kernels_${isa})
  add_library(${target} OBJECT ${CMAKE_CURRENT_SOURCE_DIR}/src/forward/kernels_isa.cpp)
  target_compile_features(${target} PRIVATE cxx_std_20)
  target_compile_definitions(${target} PRIVATE LLAMASCOPE_KERNEL_ISA=${isa} ${LLAMASCOPE_KERNEL_DEFINITIONS})
  # -ffp-contract=fast lets a·b + c become one FMA where the set has it (GCC's default outside
  # ISO mode; CMAKE_CXX_EXTENSIONS is OFF here).
  target_compile_options(${target} PRIVATE ${ARGN} $<$<CXX_COMPILER_ID:GNU,Clang>:-ffp-contract=fast>)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  llamascope_set_warnings(${target})
  target_sources(llamascope_core PRIVATE $<TARGET_OBJECTS:${target}>)
  list(APPEND llamascope_kernel_objects $<TARGET_OBJECTS:${target}>)
  set(llamascope_kernel_objects "${llamascope_kernel_objects}" PARENT_SCOPE)
endfunction()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND NOT MSVC)
  set(LLAMASCOPE_KERNEL_DEFINITIONS LLAMASCOPE_X86_KERNELS)
  target_compile_definitions(llamascope_core PRIVATE LLAMASCOPE_X86_KERNELS)
  llamascope_add_kernel_build(baseline -march=x86-64-v2 -mtune=generic)
  llamascope_add_kernel_build(avx2 -mavx2 -mfma)
  llamascope_add_kernel_build(avx512 -mavx512f -mavx2 -mfma)
else()
  set(LLAMASCOPE_KERNEL_DEFINITIONS "")
  llamascope_add_kernel_build(baseline)
endif()
# The kernel objects, for the test that checks they export nothing but their table.
set(LLAMASCOPE_KERNEL_OBJECTS "${llamascope_kernel_objects}" CACHE INTERNAL "Forward kernel object files")
