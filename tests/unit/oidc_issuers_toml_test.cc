// server.toml's [[oidc.issuers]]: a full entry read back field by field,
// and each configuration mistake refused with a message naming the file,
// the line or key, and the fix (ValidateTrustedIssuers' rules included).
#include "adapters/config/oidc_issuers_toml.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

constexpr const char* kGithub = R"(
listen = "127.0.0.1:8443"   # the rest of server.toml is not read here

[[oidc.issuers]]
name = "github"
kind = "github"
issuer = "https://token.actions.githubusercontent.com"
audience = "https://audex.example.com"
groups = ["ci"]
clock_skew = "30s"
jwks_ttl = "2h"
jwks_refetch_interval = "5m"
[oidc.issuers.require]
repository_owner_id = "2020"
repository_id = ["424242", "424243"]
ref = ["refs/heads/main", "refs/tags/v*"]

[[oidc.issuers]]
name = "people"
issuer = "https://login.example.com"
audience = "audex-cli"
algorithms = ["RS256", "ES256"]
name_claim = "email"
groups_claim = "groups"
jti_once = false
)";

TEST(OidcIssuersToml, ReadsEveryField) {
  auto issuers = ParseOidcIssuersToml(kGithub, "server.toml");
  ASSERT_TRUE(issuers) << issuers.error().message;
  ASSERT_EQ(issuers->size(), 2u);
  const TrustedIssuer& github = (*issuers)[0];
  EXPECT_EQ(github.name, "github");
  EXPECT_EQ(github.kind, IssuerKind::kGithub);
  EXPECT_EQ(github.issuer, "https://token.actions.githubusercontent.com");
  EXPECT_EQ(github.audience, "https://audex.example.com");
  EXPECT_EQ(github.algorithms, std::vector<std::string>{"RS256"});
  EXPECT_EQ(github.groups, std::vector<std::string>{"ci"});
  EXPECT_EQ(github.clock_skew, std::chrono::seconds(30));
  EXPECT_EQ(github.jwks_ttl, std::chrono::hours(2));
  EXPECT_EQ(github.jwks_refetch_interval, std::chrono::minutes(5));
  EXPECT_TRUE(github.jti_once);
  EXPECT_EQ(github.source, "server.toml:4");
  ASSERT_EQ(github.require.size(), 3u);
  std::map<std::string, std::vector<std::string>> require;
  for (const ClaimBinding& binding : github.require) require[binding.claim] = binding.allowed;
  EXPECT_EQ(require["repository_owner_id"], std::vector<std::string>{"2020"});
  EXPECT_EQ(require["repository_id"], (std::vector<std::string>{"424242", "424243"}));
  EXPECT_EQ(require["ref"], (std::vector<std::string>{"refs/heads/main", "refs/tags/v*"}));

  const TrustedIssuer& people = (*issuers)[1];
  EXPECT_EQ(people.kind, IssuerKind::kGeneric);
  EXPECT_EQ(people.algorithms, (std::vector<std::string>{"RS256", "ES256"}));
  EXPECT_EQ(people.name_claim, "email");
  EXPECT_EQ(people.groups_claim, "groups");
  EXPECT_FALSE(people.jti_once);
}

TEST(OidcIssuersToml, NoIssuersIsAnEmptyList) {
  auto issuers = ParseOidcIssuersToml("listen = \"127.0.0.1:8443\"\n", "server.toml");
  ASSERT_TRUE(issuers);
  EXPECT_TRUE(issuers->empty());
}

struct MistakeCase {
  const char* name;
  std::string toml;
  std::vector<std::string> message_parts;
};

std::string Github(const std::string& extra,
                   const std::string& require = "repository_owner_id = \"2020\"") {
  return "[[oidc.issuers]]\nname = \"github\"\nkind = \"github\"\n"
         "issuer = \"https://token.actions.githubusercontent.com\"\n"
         "audience = \"https://audex.example.com\"\n" +
         extra + "[oidc.issuers.require]\n" + require + "\n";
}

TEST(OidcIssuersToml, RefusesMistakesWithTheFix) {
  const MistakeCase cases[] = {
      {"github bound to nothing",
       "[[oidc.issuers]]\nname = \"github\"\nkind = \"github\"\n"
       "issuer = \"https://token.actions.githubusercontent.com\"\naudience = \"a\"\n",
       {"server.toml:1", "any repository on GitHub", "require.repository_owner_id"}},
      {"github's issuer as generic",
       "[[oidc.issuers]]\nname = \"gh\"\nissuer = \"https://token.actions.githubusercontent.com\"\n"
       "audience = \"a\"\n",
       {"kind = \"github\""}},
      {"repository name without id",
       Github("", "repository_owner_id = \"2020\"\nrepository = \"octo-org/deploy\""),
       {"require.repository binds to a name", "require.repository_id"}},
      {"wildcard id", Github("", "repository_owner_id = \"20*\""), {"matched exactly"}},
      {"gitlab bound to nothing",
       "[[oidc.issuers]]\nname = \"gl\"\nkind = \"gitlab\"\nissuer = \"https://gitlab.com\"\n"
       "audience = \"a\"\n[oidc.issuers.require]\nproject_path = \"g/p\"\n",
       {"require.namespace_id"}},
      {"gitlab path without id",
       "[[oidc.issuers]]\nname = \"gl\"\nkind = \"gitlab\"\nissuer = \"https://gitlab.com\"\n"
       "audience = \"a\"\n[oidc.issuers.require]\nnamespace_id = \"7\"\nproject_path = \"g/p\"\n",
       {"require.project_id"}},
      {"hs256 allowed", Github("algorithms = [\"HS256\"]\n"), {"\"HS256\" is not accepted"}},
      {"alg none allowed", Github("algorithms = [\"none\"]\n"), {"\"none\" is not accepted"}},
      {"eddsa", Github("algorithms = [\"EdDSA\"]\n"), {"EdDSA is not in"}},
      {"plain http",
       "[[oidc.issuers]]\nname = \"x\"\nissuer = \"http://idp.example.com\"\n"
       "audience = \"a\"\n",
       {"must be an https URL"}},
      {"no audience",
       "[[oidc.issuers]]\nname = \"x\"\nissuer = \"https://idp.example.com\"\n",
       {"has no audience"}},
      {"no issuer", "[[oidc.issuers]]\nname = \"x\"\naudience = \"a\"\n", {"has no issuer URL"}},
      {"bad name",
       "[[oidc.issuers]]\nname = \"Git Hub\"\nissuer = \"https://i.example\"\n"
       "audience = \"a\"\n",
       {"lower-case letters"}},
      {"misspelt key", Github("audiance = \"x\"\n"), {"server.toml:6", "did you mean audience?"}},
      {"unknown kind",
       "[[oidc.issuers]]\nname = \"x\"\nkind = \"bitbucket\"\n",
       {"server.toml:3", "\"github\", \"gitlab\" or \"generic\""}},
      {"skew too large", Github("clock_skew = \"10m\"\n"), {"clock_skew"}},
      {"bad duration", Github("jwks_ttl = \"soon\"\n"), {"jwks_ttl", "like 90s"}},
      {"jti_once as text", Github("jti_once = \"yes\"\n"), {"true or false"}},
      {"require values not strings", Github("", "repository_owner_id = 2020"), {"list of strings"}},
      {"issuers as a table", "[oidc.issuers]\nname = \"x\"\n", {"[[oidc.issuers]]"}},
      {"unknown oidc key", "[oidc]\nprovider = \"x\"\n", {"oidc.provider"}},
      {"duplicate names",
       "[[oidc.issuers]]\nname = \"x\"\nissuer = \"https://a.example\"\naudience = \"a\"\n"
       "[[oidc.issuers]]\nname = \"x\"\nissuer = \"https://b.example\"\naudience = \"a\"\n",
       {"server.toml:5", "used twice"}},
      {"duplicate issuer URLs",
       "[[oidc.issuers]]\nname = \"x\"\nissuer = \"https://a.example\"\naudience = \"a\"\n"
       "[[oidc.issuers]]\nname = \"y\"\nissuer = \"https://a.example\"\naudience = \"b\"\n",
       {"listed twice"}},
      {"syntax", "[[oidc.issuers]\n", {"server.toml:1", "fix the TOML syntax"}},
  };
  for (const MistakeCase& row : cases) {
    auto issuers = ParseOidcIssuersToml(row.toml, "server.toml");
    ASSERT_FALSE(issuers) << row.name;
    EXPECT_EQ(issuers.error().kind, ErrorKind::kUsage) << row.name;
    for (const std::string& part : row.message_parts) {
      EXPECT_NE(issuers.error().message.find(part), std::string::npos)
          << row.name << ": " << issuers.error().message;
    }
  }
}

TEST(OidcIssuersToml, LoopbackHttpIsAllowedForTests) {
  auto issuers = ParseOidcIssuersToml(
      "[[oidc.issuers]]\nname = \"local\"\nissuer = \"http://127.0.0.1:8080/idp\"\n"
      "audience = \"a\"\n",
      "server.toml");
  ASSERT_TRUE(issuers) << issuers.error().message;
}

}  // namespace
}  // namespace audex
