// config.toml's `serve` and `cache` keys (README, "--serve", "Credential cache").
#include <gtest/gtest.h>

#include "adapters/config/config_files.h"

namespace audex {
namespace {

TEST(ConfigServeCache, ReadsBooleans) {
  std::vector<std::string> warnings;
  auto config = ParseConfigToml("serve = true\ncache = false\n", "config.toml", &warnings);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->serve, true);
  EXPECT_EQ(config->cache, false);
  EXPECT_TRUE(warnings.empty());
}

TEST(ConfigServeCache, AbsentMeansUnset) {
  auto config = ParseConfigToml("ttl = \"15m\"\n", "config.toml", nullptr);
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->serve.has_value());
  EXPECT_FALSE(config->cache.has_value());
}

TEST(ConfigServeCache, AStringIsAnErrorNamingTheKeyAndLine) {
  auto config = ParseConfigToml("\nserve = \"yes\"\n", "config.toml", nullptr);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::kUsage);
  EXPECT_NE(config.error().message.find("\"serve\" must be true or false"), std::string::npos);
  EXPECT_NE(config.error().message.find("config.toml"), std::string::npos);
}

}  // namespace
}  // namespace audex
