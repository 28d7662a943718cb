# Memory model, cost model and designer (SPEC §8, §10; issue 4). Included by core/CMakeLists.txt,
# where CMAKE_CURRENT_SOURCE_DIR is core/.

# The accelerator table is an editable data file; a generated copy is compiled in so the
# tools work from any directory (same pattern as the bundled family).
set(accelerator_data "${CMAKE_CURRENT_SOURCE_DIR}/data/accelerators.json")
set(accelerator_cpp "${CMAKE_CURRENT_BINARY_DIR}/generated/embedded_accelerators.cpp")
add_custom_command(
  OUTPUT "${accelerator_cpp}"
  COMMAND "${CMAKE_COMMAND}" -DOUTPUT=${accelerator_cpp} -DNAMESPACE=llamascope
          -DFUNCTION=acceleratorDataFiles "-DINPUTS=${accelerator_data}"
          -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
  DEPENDS "${accelerator_data}" "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
  COMMENT "Embedding the accelerator table"
  VERBATIM)

target_sources(llamascope_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/memory.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/cost.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/design.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/ladder.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/quantity.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/views.cpp
  "${accelerator_cpp}")
