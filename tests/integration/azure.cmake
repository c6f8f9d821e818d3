# The loopback managed-identity endpoint an Azure child gets its token from,
# driven through the real libcurl client.
find_package(PkgConfig REQUIRED)
add_executable(audex_azure_integration_tests ${CMAKE_CURRENT_LIST_DIR}/local_identity_endpoint_test.cc)
target_link_libraries(audex_azure_integration_tests PRIVATE audex_azure audex_http audex_gtest_main
                      audex_warnings)
add_test(NAME integration.azure.local_identity_endpoint
         COMMAND audex_azure_integration_tests --gtest_filter=LocalIdentityEndpoint.*)
set_tests_properties(integration.azure.local_identity_endpoint PROPERTIES TIMEOUT 60)
