# The store adapter against real processes: concurrent appends to one audit
# log from separate tryaudex-like processes.
add_executable(audex_audit_append_helper ${CMAKE_CURRENT_LIST_DIR}/audit_append_helper.cc)
target_link_libraries(audex_audit_append_helper PRIVATE audex_store audex_warnings)
add_test(NAME integration.store.concurrent_appends
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/store_concurrency_test.sh
                 $<TARGET_FILE:audex_audit_append_helper> $<TARGET_FILE:tryaudex>)
set_tests_properties(integration.store.concurrent_appends PROPERTIES TIMEOUT 300)
