// The messages of the state directory's file operations name the fix for
// the errors a user causes (adapters/files/files.h), and the
// configuration reader does the same (adapters/config/config_files.h).
#include "adapters/files/files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "adapters/config/config_files.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(SystemError, PermissionDeniedNamesThePathAndTheFix) {
  const Error error = SystemError("open", "/home/u/.local/state/audex/audit.jsonl", EACCES);
  EXPECT_EQ(error.kind, ErrorKind::kState);
  EXPECT_TRUE(Contains(error.message, "cannot open /home/u/.local/state/audex/audit.jsonl"))
      << error.message;
  EXPECT_TRUE(Contains(error.message, "check the owner and permissions")) << error.message;
  EXPECT_TRUE(Contains(error.message, "ls -ld")) << error.message;
}

TEST(SystemError, AFileInPlaceOfADirectoryAndAFullDiskSayWhatToDo) {
  EXPECT_TRUE(Contains(SystemError("list", "/s/sessions", ENOTDIR).message, "not a directory"));
  EXPECT_TRUE(Contains(SystemError("write", "/s/audit.jsonl", ENOSPC).message, "free some space"));
  EXPECT_TRUE(Contains(SystemError("write", "/s/audit.jsonl", EROFS).message, "read-only"));
}

TEST(SystemError, AnErrnoWithoutAFixAddsNothing) { EXPECT_EQ(SystemErrorFix("/s/x", EINTR), ""); }

TEST(FollowSymlink, ALinkLeadsToItsTargetAndAFileToItself) {
  const TempDir temp("audex-follow");
  const std::filesystem::path& dir = temp.path();
  std::filesystem::create_directories(dir / "dotfiles");
  std::ofstream(dir / "dotfiles" / "config") << "[profile a]\n";
  std::filesystem::create_symlink(dir / "dotfiles" / "config", dir / "config");
  EXPECT_EQ(FollowSymlink(dir / "config"), std::filesystem::canonical(dir / "dotfiles" / "config"));
  EXPECT_EQ(FollowSymlink(dir / "dotfiles" / "config"), dir / "dotfiles" / "config");
  EXPECT_EQ(FollowSymlink(dir / "absent"), dir / "absent");
}

TEST(ReadFileIfPresent, ADirectoryInPlaceOfTheFileSaysToMoveIt) {
  const TempDir dir("audex-state-files");
  std::filesystem::create_directories(dir / "config.toml");
  auto read = ReadFileIfPresent(dir / "config.toml", ErrorKind::kUsage);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().kind, ErrorKind::kUsage);
  EXPECT_TRUE(Contains(read.error().message, "move what is there away")) << read.error().message;
}

TEST(ReadFileIfPresent, AnUnreadableFileNamesTheFix) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads a mode 000 file";
  const TempDir dir("audex-unreadable");
  const std::filesystem::path file = dir / "config.toml";
  WriteText(file, "ttl = \"15m\"\n");
  std::filesystem::permissions(file, std::filesystem::perms::none);
  auto read = ReadFileIfPresent(file, ErrorKind::kUsage);
  ASSERT_FALSE(read);
  EXPECT_TRUE(Contains(read.error().message, "check the owner and permissions"))
      << read.error().message;
}

TEST(CreateFileOnce, CreatesAPrivateFileAndNeverReplacesOne) {
  const TempDir dir("audex-create-once");
  const std::filesystem::path key = dir / "audit.key";
  auto created = CreateFileOnce(key, "first");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(*created);
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto again = CreateFileOnce(key, "second");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(*again);
  auto kept = ReadFileIfPresent(key, ErrorKind::kState);
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ(**kept, "first");
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(CreateFileOnce, AMissingDirectoryIsAnErrorNamingThePath) {
  const TempDir dir("audex-create-once");
  auto created = CreateFileOnce(dir / "absent" / "audit.key", "k");
  ASSERT_FALSE(created);
  EXPECT_TRUE(Contains(created.error().message, "absent")) << created.error().message;
}

}  // namespace
}  // namespace audex
