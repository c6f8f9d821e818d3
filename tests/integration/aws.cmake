# The AWS adapters against real servers: moto (STS with SigV4 checking on)
# and a loopback failure-injection server (cpp-httplib).
find_package(PkgConfig REQUIRED)
# Debian builds cpp-httplib as a library with OpenSSL, zlib and brotli
# support; its pkg-config file carries the matching defines.
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(pugixml REQUIRED)

add_executable(audex_aws_integration_tests ${CMAKE_CURRENT_LIST_DIR}/sts_moto_test.cc
                                           ${CMAKE_CURRENT_LIST_DIR}/sts_loopback_test.cc
                                           ${CMAKE_CURRENT_LIST_DIR}/sts_scoped_loopback_test.cc)
target_link_libraries(audex_aws_integration_tests PRIVATE audex_aws audex_http PkgConfig::CPP_HTTPLIB
                      pugixml::static audex_gtest_main audex_warnings)

# One process per server kind: moto starts once for its suite (about 3 s).
add_test(NAME integration.aws.sts_moto
         COMMAND audex_aws_integration_tests --gtest_filter=StsMoto.*)
add_test(NAME integration.aws.sts_loopback
         COMMAND audex_aws_integration_tests --gtest_filter=StsLoopback.*)
add_test(NAME integration.aws.sts_scoped_loopback
         COMMAND audex_aws_integration_tests --gtest_filter=StsScopedLoopback.*)
set_tests_properties(integration.aws.sts_moto integration.aws.sts_loopback
                     integration.aws.sts_scoped_loopback PROPERTIES TIMEOUT 240)

# CloudTrail LookupEvents polling against a loopback JSON 1.1 server.
add_executable(audex_cloudtrail_loopback_tests ${CMAKE_CURRENT_LIST_DIR}/cloudtrail_loopback_test.cc)
target_link_libraries(audex_cloudtrail_loopback_tests PRIVATE audex_aws audex_http
                      PkgConfig::CPP_HTTPLIB audex_gtest_main audex_warnings)
add_test(NAME integration.aws.cloudtrail_loopback COMMAND audex_cloudtrail_loopback_tests)
set_tests_properties(integration.aws.cloudtrail_loopback PROPERTIES TIMEOUT 120)

# The CSM listener against real UDP datagrams and real SDK children.
add_executable(audex_csm_listener_tests ${CMAKE_CURRENT_LIST_DIR}/csm_listener_test.cc)
target_link_libraries(audex_csm_listener_tests PRIVATE audex_aws audex_gtest_main audex_warnings)
add_test(NAME integration.aws.csm_listener COMMAND audex_csm_listener_tests)
set_tests_properties(integration.aws.csm_listener PROPERTIES TIMEOUT 120)
