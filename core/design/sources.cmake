# Memory model, cost model and designer (SPEC §8, §10; issue 4). Included by core/CMakeLists.txt,
# where CMAKE_CURRENT_SOURCE_DIR is core/.

# The accelerator table is an editable data file; a generated copy is compiled in so the
# tools work from any directory (same pattern as the bundled family).
set(accelerator_data "${CMAKE_CURRENT_SOURCE_DIR}/data/accelerators.json")
llamascope_embed_files(accelerator_cpp FUNCTION acceleratorDataFiles INPUTS ${accelerator_data}
  COMMENT "Embedding the accelerator table")
# The published decoder shapes (issue 15; sources in data/published_models.md).
set(published_data "${CMAKE_CURRENT_SOURCE_DIR}/data/published_models.json")
llamascope_embed_files(published_cpp FUNCTION publishedModelFiles INPUTS ${published_data}
  COMMENT "Embedding the published decoder shapes")

target_sources(llamascope_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/activations.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/model_state.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/memory.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/cost.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/design.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/ladder.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/quantity.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/views.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/published.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/design/prior.cpp
  "${published_cpp}"
  "${accelerator_cpp}")
