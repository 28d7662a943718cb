# The memory and design commands (SPEC §8, §10; issue 4): `memory` and `generate`.
target_sources(llamascope_cli PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/commands/design_options.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/commands/memory.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/commands/generate.cpp)
target_compile_definitions(llamascope_cli PUBLIC LLAMASCOPE_HAVE_DESIGN_COMMANDS)
