# scripts/local-cloud's Ceph radosgw on its own, as e2e.run_radosgw and the
# README's demo use it: start and a second start, a session policy that
# really narrows the credentials, the errors radosgw gives, stop. Serial:
# one Ceph cluster at a time on a 2-core machine.
add_test(NAME integration.radosgw.smoke COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/radosgw_smoke.sh)
set_tests_properties(integration.radosgw.smoke PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE)
