# The libcurl client against a loopback server that floods it: the reply
# size limit (and bounded memory) for every HTTP reply Audex reads.
add_executable(audex_http_integration_tests ${CMAKE_CURRENT_LIST_DIR}/http_reply_limit_test.cc)
target_link_libraries(audex_http_integration_tests PRIVATE audex_http PkgConfig::CPP_HTTPLIB
                      audex_gtest_main audex_warnings)
add_test(NAME integration.http.reply_limit COMMAND audex_http_integration_tests)
set_tests_properties(integration.http.reply_limit PROPERTIES TIMEOUT 180)
