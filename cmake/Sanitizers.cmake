# LLAMASCOPE_SANITIZE="address,undefined" instruments every target in the build.
if(LLAMASCOPE_SANITIZE)
  message(STATUS "llamascope: sanitizers enabled: ${LLAMASCOPE_SANITIZE}")
  add_compile_options(-fsanitize=${LLAMASCOPE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${LLAMASCOPE_SANITIZE})
endif()
