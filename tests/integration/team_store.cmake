# The team server's store (adapters/teamstore) against real databases: one
# suite run on SQLite and on a PostgreSQL 15 cluster that
# team_store_test.sh starts in a temporary directory and stops afterwards
# (scripts/local-cloud postgres); a test that cannot start it fails.
add_executable(audex_team_store_tests ${CMAKE_CURRENT_LIST_DIR}/team_store_test.cc
                                      ${CMAKE_CURRENT_LIST_DIR}/team_store_group_commit_test.cc
                                      ${CMAKE_CURRENT_LIST_DIR}/team_store_concurrency_test.cc)
target_link_libraries(audex_team_store_tests PRIVATE audex_teamstore audex_gtest_main
                      audex_warnings)
# An exported chain is checked by the real `tryaudex audit verify` too.
target_compile_definitions(audex_team_store_tests PRIVATE AUDEX_TRYAUDEX="$<TARGET_FILE:tryaudex>")
add_dependencies(audex_team_store_tests tryaudex)

add_test(NAME integration.team_store.sqlite
         COMMAND audex_team_store_tests --gtest_filter=*/sqlite:TeamStoreSqlite.*)
# team_store_test.sh starts the cluster, passes it to the tests, stops it.
add_test(NAME integration.team_store.postgres
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/team_store_test.sh
                 $<TARGET_FILE:audex_team_store_tests> */postgres:TeamStorePostgres.*:TeamStoreMigration.*)
set_tests_properties(integration.team_store.sqlite PROPERTIES TIMEOUT 180)
set_tests_properties(integration.team_store.postgres PROPERTIES TIMEOUT 300)
