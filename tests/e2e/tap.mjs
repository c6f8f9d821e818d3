// The node tests' TAP-style report (tests/dashboard's browser tests,
// tests/mcp/mcp_client_test.mjs): an "ok - ..." or "not ok - ...: detail"
// line per check, the count at the end, and an exception that escapes a
// check reported as one more failure (after `cleanup`, e.g. stopping a
// server this process started) rather than leaving the run half-said. The
// e2e scripts copy it beside the test into the npm directory.
export function tap(cleanup = () => {}) {
  let passed = 0;
  let failed = 0;
  const check = (description, ok, detail = "") => {
    if (ok) {
      console.log(`ok - ${description}`);
      passed++;
    } else {
      console.log(`not ok - ${description}${detail ? `: ${detail}` : ""}`);
      failed++;
    }
  };
  const onCrash = (error) => {
    console.log(`not ok - the checks ran to the end: ${error.stack || error}`);
    cleanup();
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  };
  const finish = () => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  };
  return { check, onCrash, finish };
}
