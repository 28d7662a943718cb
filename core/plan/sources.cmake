# The run planner (issue 11): per-GPU memory and time of parallel training layouts, the layout
# search, inference planning and launch configurations. Included by core/CMakeLists.txt, where
# CMAKE_CURRENT_SOURCE_DIR is core/.

# The interconnect table is an editable data file, compiled in like the accelerator table.
set(interconnect_data "${CMAKE_CURRENT_SOURCE_DIR}/data/interconnects.json")
llamascope_embed_files(interconnect_cpp FUNCTION interconnectDataFiles INPUTS ${interconnect_data}
  COMMENT "Embedding the interconnect table")

target_sources(llamascope_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/interconnect.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/plan_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/evaluate.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/search.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/fit.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/inference.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/views.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plan/launch.cpp
  "${interconnect_cpp}")
