# The child-process adapter against real processes (sh, sleep, kill).
add_executable(audex_process_tests ${CMAKE_CURRENT_LIST_DIR}/child_process_test.cc)
target_link_libraries(audex_process_tests PRIVATE audex_process GTest::gtest_main audex_warnings)
gtest_discover_tests(audex_process_tests DISCOVERY_TIMEOUT 60)
