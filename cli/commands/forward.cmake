# The forward-pass commands (SPEC §11, docs/forward.md): `forward` and `verify`.
target_sources(llamascope_cli PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/commands/forward.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/commands/verify.cpp)
target_compile_definitions(llamascope_cli PUBLIC LLAMASCOPE_HAVE_FORWARD_COMMANDS)
