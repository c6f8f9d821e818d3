# The --serve credential endpoint over real loopback HTTP.
add_executable(audex_credserver_integration_tests
               ${CMAKE_CURRENT_LIST_DIR}/credential_server_test.cc)
target_link_libraries(audex_credserver_integration_tests PRIVATE audex_credserver audex_http
                      audex_gtest_main audex_warnings)
add_test(NAME integration.credserver COMMAND audex_credserver_integration_tests)
set_tests_properties(integration.credserver PROPERTIES TIMEOUT 60)
