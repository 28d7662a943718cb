# What a distribution package adds to `cmake --install` (cmake/Install.cmake), and the Debian
# package itself: `cpack -G DEB` in a build directory writes llamascope_<version>_<arch>.deb.
#   - man pages generated at build time from the programs' own --help (packaging/Generate.cmake)
#   - bash completion generated from the CLI's option tables (`llamascope completion bash`)
#   - the desktop entry and the scalable icon for llamascope-gui
# docs/install.md describes the package; tests/package checks it.
include(GNUInstallDirs)

set(LLAMASCOPE_PACKAGING_DIR "${PROJECT_SOURCE_DIR}/packaging")
set(generated "${PROJECT_BINARY_DIR}/packaging")
set(generate_args -DVERSION=${PROJECT_VERSION})
set(generate_script "${LLAMASCOPE_PACKAGING_DIR}/Generate.cmake")
# The generators run the built programs. In sanitizer and fuzz builds those are instrumented:
# a leak report at exit (Qt's platform plugins leak by design; the test presets suppress that
# with tests/sanitizers/lsan.supp, which the build does not use) must not fail the build.
set(generate_env ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0)

if(TARGET llamascope)
  add_custom_command(OUTPUT "${generated}/llamascope.1.gz"
    COMMAND ${generate_env} ${CMAKE_COMMAND} -DMODE=man -DPROGRAM=$<TARGET_FILE:llamascope> -DNAME=llamascope
      "-DSUMMARY=validate, measure and design LLaMA-style model configs"
      "-DSEE_ALSO=.BR llamascope-gui (1)" ${generate_args}
      -DOUTPUT=${generated}/llamascope.1.gz -P ${generate_script}
    DEPENDS llamascope ${generate_script}
    COMMENT "Generating the llamascope man page from its --help"
    VERBATIM)
  add_custom_command(OUTPUT "${generated}/completion/llamascope"
    COMMAND ${generate_env} ${CMAKE_COMMAND} -DMODE=completion -DPROGRAM=$<TARGET_FILE:llamascope>
      -DOUTPUT=${generated}/completion/llamascope -P ${generate_script}
    DEPENDS llamascope ${generate_script}
    COMMENT "Generating bash completion from the llamascope option tables"
    VERBATIM)
  add_custom_target(llamascope_cli_packaging ALL
    DEPENDS "${generated}/llamascope.1.gz" "${generated}/completion/llamascope")
  install(FILES "${generated}/llamascope.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES "${generated}/completion/llamascope"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()

if(TARGET llamascope-gui)
  # Qt's --help needs a platform plugin; offscreen works without a display.
  add_custom_command(OUTPUT "${generated}/llamascope-gui.1.gz"
    COMMAND ${generate_env} QT_QPA_PLATFORM=offscreen ${CMAKE_COMMAND} -DMODE=man-single -DPROGRAM=$<TARGET_FILE:llamascope-gui> -DNAME=llamascope-gui
      "-DSUMMARY=compare, chart and design LLaMA-style model configs on the desktop"
      "-DSEE_ALSO=.BR llamascope (1)" ${generate_args}
      -DOUTPUT=${generated}/llamascope-gui.1.gz -P ${generate_script}
    DEPENDS llamascope-gui ${generate_script}
    COMMENT "Generating the llamascope-gui man page from its --help"
    VERBATIM)
  add_custom_target(llamascope_gui_packaging ALL DEPENDS "${generated}/llamascope-gui.1.gz")
  install(FILES "${generated}/llamascope-gui.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES "${LLAMASCOPE_PACKAGING_DIR}/llamascope.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES "${LLAMASCOPE_PACKAGING_DIR}/llamascope.svg"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()

# --- cpack -G DEB -------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME llamascope)
set(CPACK_PACKAGE_VENDOR "llamascope developers")
set(CPACK_PACKAGE_CONTACT "llamascope developers <dev@llamascope.local>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "llamascope reads Hugging Face configs of LLaMA-style decoders, validates them, counts\n"
  "parameters and FLOPs exactly, models training memory, designs configs to a target and fits\n"
  "scaling laws. This package holds the llamascope command-line tool, the llamascope-gui\n"
  "desktop app, the JSON Schemas, the bundled config family, and the static library\n"
  "llamascope::core with its headers and CMake package (find_package(llamascope)).")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # llamascope_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries: dpkg-shlibdeps (dpkg-dev, which build-essential pulls in) derives them
# from what the binaries link, with Debian's own version bounds. Without it, the Debian 12
# packages the binaries link today are listed by hand (tests/package checks either way).
find_program(LLAMASCOPE_DPKG_SHLIBDEPS dpkg-shlibdeps)
set(depends "")
if(LLAMASCOPE_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  list(APPEND depends libc6 libstdc++6 libgcc-s1 liblbfgs0)
  if(TARGET llamascope)
    list(APPEND depends libboost-program-options1.74.0)
  endif()
  if(TARGET llamascope-gui)
    list(APPEND depends libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 libqt6svg6)
  endif()
endif()
if(TARGET llamascope-gui)
  # Loaded at run time, so no linker dependency shows it: the platform plugins (xcb, wayland).
  list(APPEND depends qt6-qpa-plugins)
endif()
list(JOIN depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# find_package(llamascope) consumers also need the headers core's public headers include and
# the library it links (llamascopeConfig.cmake finds them); the CLI and GUI do not.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nlohmann-json3-dev (>= 3.10), libeigen3-dev (>= 3.4), liblbfgs-dev, pkg-config")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, cmake")
include(CPack)
