# "Secrets stay secret" where a server's reply flows into an error message:
# the STS, IAM, CloudTrail, Google, Entra ID and Anthropic clients against a
# loopback server (cpp-httplib) whose error documents echo the secret they
# were sent.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

add_executable(audex_secret_echo_tests ${CMAKE_CURRENT_LIST_DIR}/secret_echo_loopback_test.cc)
target_link_libraries(audex_secret_echo_tests PRIVATE audex_aws audex_gcp audex_azure
                      audex_anthropic audex_http PkgConfig::CPP_HTTPLIB audex_gtest_main
                      audex_warnings)
add_test(NAME integration.secret_echo.loopback COMMAND audex_secret_echo_tests)
set_tests_properties(integration.secret_echo.loopback PROPERTIES TIMEOUT 120)
