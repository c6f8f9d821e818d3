// Where Audex looks for its modules and audex-sandbox
// (adapters/process/install_layout.h): beside the executable and in
// ../lib/audex/, and in the build tree only for a program inside it.
#include "adapters/process/install_layout.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

using Paths = std::vector<std::filesystem::path>;

constexpr char kBuilt[] = "/work/audex/build/libaudex_credserver.so";

TEST(InstallLayout, AnInstallLooksBesideItselfAndInLibAudex) {
  EXPECT_EQ(HelperCandidates("/usr/bin/tryaudex", "libaudex_credserver.so", kBuilt),
            (Paths{"/usr/bin/libaudex_credserver.so", "/usr/lib/audex/libaudex_credserver.so"}));
}

TEST(InstallLayout, ACopiedBinaryNeverLooksInTheBuildTree) {
  EXPECT_EQ(HelperCandidates("/home/me/tools/tryaudex", "audex-sandbox", kBuilt),
            (Paths{"/home/me/tools/audex-sandbox", "/home/me/lib/audex/audex-sandbox"}));
  // A folder whose name only starts like the build tree's is outside it.
  EXPECT_EQ(HelperCandidates("/work/audex/build-old/tryaudex", "audex-sandbox", kBuilt).size(), 2u);
  EXPECT_EQ(HelperCandidates("/work/audex/tryaudex", "audex-sandbox", kBuilt).size(), 2u);
}

TEST(InstallLayout, AProgramInsideTheBuildTreeAlsoFindsWhatTheBuildWrote) {
  EXPECT_EQ(HelperCandidates("/work/audex/build/tests/audex_unit_tests", "libaudex_credserver.so",
                             kBuilt),
            (Paths{"/work/audex/build/tests/libaudex_credserver.so",
                   "/work/audex/build/lib/audex/libaudex_credserver.so", kBuilt}));
  EXPECT_EQ(HelperCandidates("/work/audex/build/tryaudex", "libaudex_credserver.so", kBuilt).back(),
            std::filesystem::path(kBuilt));
}

TEST(InstallLayout, NoExecutableOrNoBuiltPathLooksNowhereElse) {
  EXPECT_TRUE(HelperCandidates("", "audex-sandbox", kBuilt).empty());
  EXPECT_EQ(HelperCandidates("/work/audex/build/tests/x", "audex-sandbox", nullptr).size(), 2u);
}

TEST(InstallLayout, FindsThisTestProgramBesideItself) {
  // The test binary itself is a file beside the test binary.
  const std::filesystem::path self = ThisExecutable();
  ASSERT_FALSE(self.empty());
  const HelperSearch search = FindHelper(self.filename().string(), nullptr);
  ASSERT_TRUE(search.found.has_value());
  EXPECT_EQ(*search.found, self);
  const HelperSearch missing = FindHelper("no-such-audex-helper", nullptr);
  EXPECT_FALSE(missing.found.has_value());
  EXPECT_NE(missing.tried.find((self.parent_path() / "no-such-audex-helper").string()),
            std::string::npos);
}

}  // namespace
}  // namespace audex
