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
                      pugixml::pugixml GTest::gtest_main audex_warnings)

# One process per server kind: moto starts once for its suite (about 3 s).
add_test(NAME integration.aws.sts_moto
         COMMAND audex_aws_integration_tests --gtest_filter=StsMoto.*)
add_test(NAME integration.aws.sts_loopback
         COMMAND audex_aws_integration_tests --gtest_filter=StsLoopback.*)
add_test(NAME integration.aws.sts_scoped_loopback
         COMMAND audex_aws_integration_tests --gtest_filter=StsScopedLoopback.*)
set_tests_properties(integration.aws.sts_moto integration.aws.sts_loopback
                     integration.aws.sts_scoped_loopback PROPERTIES TIMEOUT 240)
