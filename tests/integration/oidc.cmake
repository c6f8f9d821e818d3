# OIDC against real parts on loopback (tests/oidc, npm, pinned in its
# package-lock.json): a GitHub-Actions-shaped issuer whose tokens `jose`
# mints with rotating keys, for the verifier; and the certified
# `oidc-provider` with the device flow on, for `tryaudex login`'s client,
# whose forms a node script fills in as the person would. The packages are
# installed into the build tree as a build step (src/catalog/npm_ci.cmake),
# and the scripts copied beside them so that their imports resolve there.
find_program(NPM_PROGRAM npm)
find_program(NODE_PROGRAM node)
if(NOT NPM_PROGRAM OR NOT NODE_PROGRAM)
  message(WARNING "node/npm not found: the OIDC integration tests are reported as skipped")
  foreach(name integration.oidc.github_issuer integration.oidc.device_flow)
    audex_skipped_test(${name} "node/npm not found (scripts/setup installs nodejs and npm)")
  endforeach()
  return()
endif()
set(oidc_source_dir ${PROJECT_SOURCE_DIR}/tests/oidc)
set(oidc_npm_dir ${CMAKE_CURRENT_BINARY_DIR}/oidc_npm)
audex_npm_ci(audex_oidc_test_npm ${oidc_source_dir} ${oidc_npm_dir} oidc-provider/package.json
             "jose and oidc-provider")
foreach(script github_issuer.mjs oidc_provider.mjs complete_device_login.mjs)
  configure_file(${oidc_source_dir}/${script} ${oidc_npm_dir}/${script} COPYONLY)
endforeach()

add_executable(audex_oidc_integration_tests
               ${CMAKE_CURRENT_LIST_DIR}/oidc_issuer_test.cc
               ${CMAKE_CURRENT_LIST_DIR}/oidc_device_flow_test.cc)
target_compile_definitions(audex_oidc_integration_tests PRIVATE
                           AUDEX_NODE="${NODE_PROGRAM}" AUDEX_OIDC_NPM_DIR="${oidc_npm_dir}")
target_link_libraries(audex_oidc_integration_tests PRIVATE audex_oidc_verify audex_oidc audex_http
                      audex_store audex_gtest_main audex_warnings)
add_dependencies(audex_oidc_integration_tests audex_oidc_test_npm)

# One process per server kind; each suite starts and stops its own server.
add_test(NAME integration.oidc.github_issuer
         COMMAND audex_oidc_integration_tests --gtest_filter=GithubIssuer.*)
add_test(NAME integration.oidc.device_flow
         COMMAND audex_oidc_integration_tests --gtest_filter=DeviceFlow.*)
set_tests_properties(integration.oidc.github_issuer integration.oidc.device_flow
                     PROPERTIES TIMEOUT 180)
