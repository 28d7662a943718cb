# LLAMASCOPE_SANITIZE="address,undefined" instruments every target in the build.
if(LLAMASCOPE_SANITIZE)
  message(STATUS "llamascope: sanitizers enabled: ${LLAMASCOPE_SANITIZE}")
  add_compile_options(-fsanitize=${LLAMASCOPE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${LLAMASCOPE_SANITIZE})
endif()

# libFuzzer builds instrument everything for coverage and memory errors; the fuzz targets add
# -fsanitize=fuzzer themselves (tests/fuzz/CMakeLists.txt).
if(LLAMASCOPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LLAMASCOPE_FUZZ needs clang (cmake -DCMAKE_CXX_COMPILER=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
