# Scaling laws (SPEC §15, issue 12, docs/scaling.md): runs tables, fits, predictions, optima.
# Included by core/CMakeLists.txt, where CMAKE_CURRENT_SOURCE_DIR is core/.

# L-BFGS: Debian's liblbfgs (liblbfgs-dev; docs/scaling.md "Optimiser" says why). It ships a
# pkg-config file, no CMake package; cmake/llamascopeConfig.cmake.in finds it the same way for
# consumers of the installed (static) library.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LBFGS REQUIRED IMPORTED_TARGET GLOBAL liblbfgs>=1.10)

set(llamascope_scaling_sources
  ${CMAKE_CURRENT_SOURCE_DIR}/src/scaling/runs.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/scaling/fit.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/scaling/law.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/scaling/output.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/scaling/design.cpp)
target_sources(llamascope_core PRIVATE ${llamascope_scaling_sources})
target_link_libraries(llamascope_core PRIVATE PkgConfig::LBFGS)
set_source_files_properties(${llamascope_scaling_sources} PROPERTIES COMPILE_DEFINITIONS "EIGEN_NO_DEBUG")
