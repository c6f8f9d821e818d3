// The credential cache's files: a private key file, sealed entries that
// hold no secret in the clear, damaged entries dropped, and `cache clear`.
#include "adapters/store/credential_cache_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace audex {
namespace {

namespace fs = std::filesystem;

CachedCredentials Cached() {
  CachedCredentials cached;
  cached.credentials.access_key_id = "ASIASTORETEST";
  cached.credentials.secret_access_key = SecretString("store-test-secret-value");
  cached.credentials.session_token = SecretString("store-test-token-value");
  cached.credentials.expiration = std::chrono::system_clock::now() + std::chrono::minutes(15);
  cached.session_id = "s-store";
  return cached;
}

class CredentialCacheStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(state_.empty()); }
  TempDir dir_{"audex-cache-store-test"};
  fs::path state_ = dir_.path();
};

TEST_F(CredentialCacheStoreTest, StoresAndFindsAnEntry) {
  CredentialCacheStore store(state_);
  const std::string name(64, 'a');
  auto missing = store.Lookup(name);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  ASSERT_TRUE(store.Store(name, Cached()));
  auto found = store.Lookup(name);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->credentials.session_token.Reveal(), "store-test-token-value");
  EXPECT_EQ((*found)->session_id, "s-store");
}

TEST_F(CredentialCacheStoreTest, KeyAndEntriesArePrivateAndHoldNoSecretInTheClear) {
  CredentialCacheStore store(state_);
  const std::string name(64, 'b');
  ASSERT_TRUE(store.Store(name, Cached()));
  struct stat info {};
  ASSERT_EQ(::stat(store.key_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::file_size(store.key_path()), kCacheKeyBytes);
  ASSERT_EQ(::stat((store.directory() / name).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  for (const auto& entry : fs::recursive_directory_iterator(state_)) {
    if (!entry.is_regular_file()) continue;
    const std::string text = ReadText(entry.path());
    EXPECT_EQ(text.find("store-test-secret-value"), std::string::npos) << entry.path();
    EXPECT_EQ(text.find("store-test-token-value"), std::string::npos) << entry.path();
  }
}

TEST_F(CredentialCacheStoreTest, RefusesAKeyOthersCanRead) {
  CredentialCacheStore store(state_);
  const std::string name(64, 'c');
  ASSERT_TRUE(store.Store(name, Cached()));
  ASSERT_EQ(::chmod(store.key_path().c_str(), 0644), 0);
  auto found = store.Lookup(name);
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("0600"), std::string::npos);
}

TEST_F(CredentialCacheStoreTest, DamagedEntryIsDroppedNotServed) {
  CredentialCacheStore store(state_);
  const std::string name(64, 'd');
  ASSERT_TRUE(store.Store(name, Cached()));
  {
    std::fstream file(store.directory() / name, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(20);
    file.put('\x7f');
  }
  auto found = store.Lookup(name);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  EXPECT_FALSE(fs::exists(store.directory() / name));
}

TEST_F(CredentialCacheStoreTest, EntryRenamedToAnotherRequestDoesNotOpen) {
  CredentialCacheStore store(state_);
  const std::string name(64, 'e');
  const std::string other(64, 'f');
  ASSERT_TRUE(store.Store(name, Cached()));
  fs::rename(store.directory() / name, store.directory() / other);
  auto found = store.Lookup(other);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(CredentialCacheStoreTest, ClearRemovesEntriesAndKey) {
  CredentialCacheStore store(state_);
  ASSERT_TRUE(store.Store(std::string(64, '1'), Cached()));
  ASSERT_TRUE(store.Store(std::string(64, '2'), Cached()));
  auto removed = store.Clear();
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2u);
  EXPECT_FALSE(fs::exists(store.key_path()));
  auto found = store.Lookup(std::string(64, '1'));
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

}  // namespace
}  // namespace audex
