# `cmake --install` layout: the CLI and GUI in bin/, llamascope::core (library, headers and
# a CMake package), the schemas and the bundled family in share/llamascope/.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LLAMASCOPE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/llamascope")
set(LLAMASCOPE_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/llamascope")

install(TARGETS llamascope_core EXPORT llamascopeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/core/include/llamascope"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(EXPORT llamascopeTargets NAMESPACE llamascope:: DESTINATION ${LLAMASCOPE_INSTALL_CMAKEDIR})

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/llamascopeConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/llamascopeConfig.cmake"
  INSTALL_DESTINATION ${LLAMASCOPE_INSTALL_CMAKEDIR}
  PATH_VARS LLAMASCOPE_INSTALL_DATADIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/llamascopeConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/llamascopeConfig.cmake" "${PROJECT_BINARY_DIR}/llamascopeConfigVersion.cmake"
  DESTINATION ${LLAMASCOPE_INSTALL_CMAKEDIR})

foreach(tool llamascope llamascope-gui)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

install(FILES "${PROJECT_SOURCE_DIR}/schemas/llama-config.schema.json" "${PROJECT_SOURCE_DIR}/schemas/analysis.schema.json"
  DESTINATION ${LLAMASCOPE_INSTALL_DATADIR}/schemas)
install(FILES ${LLAMASCOPE_BUNDLED_FILES} DESTINATION ${LLAMASCOPE_INSTALL_DATADIR}/configs)
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/" DESTINATION ${CMAKE_INSTALL_DOCDIR})
