// config.toml, profiles.toml and deny-list.toml decide what a session may
// do, so Audex reads them only when no one else could have written them:
// a file writable by group or others, or owned by another user, is refused
// with the chmod or chown that fixes it; a configuration directory others
// can write without the sticky bit (they could delete deny-list.toml) is
// refused too, and one others can read is warned about. Real files in a
// temporary directory; the other-owner cases need root (chown) and skip
// otherwise.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/config/config_files.h"
#include "adapters/config/paths.h"

namespace audex {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ConfigTrust : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/audex-config-trust.XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    home_ = name;  // mkdtemp makes it 0700
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(home_, ignored);
  }

  fs::path Write(const std::string& file, const std::string& text, mode_t mode) {
    const fs::path path = home_ / file;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  Result<LoadedConfiguration> Load(std::vector<std::string>* warnings = nullptr) {
    std::vector<std::string> ignored;
    return LoadConfiguration(AudexPaths{home_, home_}, warnings ? warnings : &ignored);
  }

  fs::path home_;
};

constexpr const char* kWideProfile = R"([profiles.s3-readonly]
actions = "*:*"
)";

TEST_F(ConfigTrust, PrivateFilesOfYourOwnAreRead) {
  Write("config.toml", "ttl = \"30m\"\n", 0600);
  Write("profiles.toml", "[profiles.mine]\nactions = \"s3:GetObject\"\n", 0644);
  Write("deny-list.toml", "[deny]\nactions = [\"iam:*\"]\n", 0640);
  std::vector<std::string> warnings;
  auto loaded = Load(&warnings);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->config.ttl.has_value());
  EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST_F(ConfigTrust, AFileOthersCanWriteIsRefusedWithTheChmod) {
  const fs::path path = Write("profiles.toml", kWideProfile, 0666);
  auto loaded = Load();
  ASSERT_FALSE(loaded) << "a world-writable profiles.toml was used";
  EXPECT_EQ(loaded.error().kind, ErrorKind::kUsage);
  EXPECT_TRUE(Contains(loaded.error().message, path.string())) << loaded.error().message;
  EXPECT_TRUE(Contains(loaded.error().message, "chmod go-w " + path.string()))
      << loaded.error().message;
}

TEST_F(ConfigTrust, AGroupWritableFileIsRefusedToo) {
  for (const char* file : {"config.toml", "deny-list.toml"}) {
    const fs::path path = Write(
        file,
        file == std::string("config.toml") ? "ttl = \"30m\"\n" : "[deny]\nactions = [\"iam:*\"]\n",
        0620);
    auto loaded = Load();
    ASSERT_FALSE(loaded) << file;
    EXPECT_TRUE(Contains(loaded.error().message, "chmod go-w " + path.string()))
        << loaded.error().message;
    fs::remove(path);
  }
}

TEST_F(ConfigTrust, AFileOwnedByAnotherUserIsRefusedWithTheChown) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  const fs::path path = Write("profiles.toml", kWideProfile, 0644);
  ASSERT_EQ(::chown(path.c_str(), kNobody, static_cast<gid_t>(-1)), 0);
  auto loaded = Load();
  ASSERT_FALSE(loaded) << "another user's profiles.toml was used";
  EXPECT_TRUE(Contains(loaded.error().message, "uid 65534")) << loaded.error().message;
  EXPECT_TRUE(Contains(loaded.error().message, "chown ")) << loaded.error().message;
  EXPECT_TRUE(Contains(loaded.error().message, path.string())) << loaded.error().message;
}

// The attack the issue found: AUDEX_HOME is 1777, and another user drops a
// profiles.toml that turns s3-readonly into *:*.
TEST_F(ConfigTrust, AnotherUsersFileInAStickyWorldWritableHomeIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  ASSERT_EQ(::chmod(home_.c_str(), 01777), 0);
  const fs::path path = Write("profiles.toml", kWideProfile, 0644);
  ASSERT_EQ(::chown(path.c_str(), kNobody, kNobody), 0);
  auto loaded = Load();
  ASSERT_FALSE(loaded) << "s3-readonly could be redefined by another user";
  EXPECT_TRUE(Contains(loaded.error().message, "uid 65534")) << loaded.error().message;
}

TEST_F(ConfigTrust, RootOwnedFilesAreAcceptedWhenRunningAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root can make a root-owned file here";
  const fs::path path = Write("config.toml", "ttl = \"30m\"\n", 0644);
  ASSERT_EQ(::chown(path.c_str(), 0, 0), 0);
  auto loaded = Load();
  ASSERT_TRUE(loaded) << loaded.error().message;
}

TEST_F(ConfigTrust, ADirectoryOthersCanWriteWithoutTheStickyBitIsRefused) {
  Write("deny-list.toml", "[deny]\nactions = [\"iam:*\"]\n", 0600);
  ASSERT_EQ(::chmod(home_.c_str(), 0777), 0);
  auto loaded = Load();
  ASSERT_FALSE(loaded) << "others could delete deny-list.toml unseen";
  EXPECT_TRUE(Contains(loaded.error().message, "chmod go-w " + home_.string()))
      << loaded.error().message;
}

TEST_F(ConfigTrust, ADirectoryOthersCanReadIsWarnedAbout) {
  Write("config.toml", "ttl = \"30m\"\n", 0600);
  ASSERT_EQ(::chmod(home_.c_str(), 0755), 0);
  std::vector<std::string> warnings;
  auto loaded = Load(&warnings);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(warnings.size(), 1u) << "config and state are one directory: one warning";
  EXPECT_TRUE(Contains(warnings[0], home_.string())) << warnings[0];
  EXPECT_TRUE(Contains(warnings[0], "chmod 700 " + home_.string())) << warnings[0];
}

}  // namespace
}  // namespace audex
