# run --broker in the session engine with the real forwarding endpoint
# (libaudex_awsproxy.so) over loopback HTTP: a made-up World (scripted STS),
# a stand-in child that sends SigV4 requests with the placeholder it was
# given, and a loopback upstream that counts what reaches it.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_executable(audex_broker_integration_tests ${CMAKE_CURRENT_LIST_DIR}/broker_session_test.cc)
target_link_libraries(audex_broker_integration_tests PRIVATE audex_session PkgConfig::CPP_HTTPLIB
                      audex_gtest_main audex_warnings)
add_test(NAME integration.broker.session COMMAND audex_broker_integration_tests)
set_tests_properties(integration.broker.session PROPERTIES TIMEOUT 120)
