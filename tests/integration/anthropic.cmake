# The Anthropic Messages API client against a loopback server (cpp-httplib)
# that speaks the API's wire format: there is no local Anthropic API to run.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

add_executable(audex_anthropic_integration_tests
               ${CMAKE_CURRENT_LIST_DIR}/anthropic_loopback_test.cc)
target_link_libraries(audex_anthropic_integration_tests PRIVATE audex_anthropic audex_http
                      audex_catalog PkgConfig::CPP_HTTPLIB audex_gtest_main audex_warnings)
add_test(NAME integration.anthropic.loopback COMMAND audex_anthropic_integration_tests)
set_tests_properties(integration.anthropic.loopback PROPERTIES TIMEOUT 120)
