# GUI benchmark (issue 5): time to first paint with the bundled family, and the time from a
# designer edit to the re-rendered metrics and chart, each as a ratio against an empty
# QMainWindow's first paint measured in the same run. Run offscreen:
#   QT_QPA_PLATFORM=offscreen build/<dir>/tests/bench/gui_bench
if(TARGET llamascope_gui)
  add_executable(gui_bench ${CMAKE_CURRENT_LIST_DIR}/gui_bench.cpp)
  set_target_properties(gui_bench PROPERTIES AUTOMOC ON)
  target_link_libraries(gui_bench PRIVATE llamascope_gui)
  llamascope_set_warnings(gui_bench)
endif()
