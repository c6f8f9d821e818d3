// The main of every test program that ctest runs as one test (a whole
// program, or one suite through --gtest_filter): gtest_main's, except that
// a run in which a test skipped itself (GTEST_SKIP: a tool or server that
// is not there) and none failed exits 77, which ctest reports as "Skipped"
// (SKIP_RETURN_CODE, tests/CMakeLists.txt) instead of "Passed". Programs
// whose tests ctest lists one by one (gtest_discover_tests) need no such
// help: ctest reads "[  SKIPPED ]" there itself.
#include <gtest/gtest.h>

namespace {
constexpr int kSkipped = 77;  // automake's "skipped", as ctest is told
}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const int failed = RUN_ALL_TESTS();
  if (failed != 0) return failed;
  return testing::UnitTest::GetInstance()->skipped_test_count() > 0 ? kSkipped : 0;
}
