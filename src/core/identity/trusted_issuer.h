// TrustedIssuer: an OpenID Connect issuer whose ID tokens the team server
// accepts instead of an API token (server.toml [[oidc.issuers]]): where its
// keys are, which audience a token must carry, which algorithms it may sign
// with, which claims name the caller and its groups, and which claim values
// every token must have.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

// github: GitHub Actions (https://token.actions.githubusercontent.com, or
// GHES https://HOST/_services/token); gitlab: GitLab CI ID tokens
// (id_tokens: in .gitlab-ci.yml); generic: any other OIDC provider,
// including the company IdP people log in with (tryaudex login).
enum class IssuerKind { kGithub, kGitlab, kGeneric };

const char* IssuerKindName(IssuerKind kind);
std::optional<IssuerKind> ParseIssuerKind(std::string_view text);

// One claim and the values it may have: equal to one of `allowed`, where
// '*' and '?' are wildcards (core/glob.h), case-sensitive. A claim that is
// absent never matches. Used for an issuer's `require` table and by server
// policy rules that bind to CI identities.
struct ClaimBinding {
  std::string claim;
  std::vector<std::string> allowed;
};

struct TrustedIssuer {
  std::string name;  // short, unique: logs, rules and caller names ("github")
  IssuerKind kind = IssuerKind::kGeneric;
  std::string issuer;    // exactly the tokens' "iss" and the discovery base URL
  std::string audience;  // this server's own audience; a token's "aud" must contain it
  std::vector<std::string> algorithms = {"RS256"};
  std::string name_claim;             // empty: the kind's default (DefaultNameClaim)
  std::string groups_claim;           // optional: a string or list-of-strings claim
  std::vector<std::string> groups;    // given to every caller of this issuer
  std::vector<ClaimBinding> require;  // every token must match all of these
  // Each jti accepted once until the token expires (CI tokens are used for
  // one request). A person's CLI presents the same ID token until it
  // expires, so an IdP for `tryaudex login` sets this to false.
  bool jti_once = true;
  std::chrono::seconds clock_skew{60};
  std::chrono::seconds jwks_ttl{3600};
  // The least time between two JWKS fetches caused by unknown kids: a flood
  // of invented kids costs the issuer one request per interval.
  std::chrono::seconds jwks_refetch_interval{60};
  // The issuer people log in with (`tryaudex login`, GET /v1/login-config):
  // at most one, kind generic; its audience is the CLI's client id there.
  bool login = false;
  std::string login_scope;  // scopes asked beside "openid offline_access" ("email groups")
  std::string source;       // where it was configured ("server.toml:12"), for messages
};

// The algorithms a trusted issuer may allow: RSA PKCS#1 v1.5, RSA-PSS and
// ECDSA, all that Debian 12's cjose 0.6.2 verifies with public keys. HS*
// (a shared secret; with a public key as the "secret" it is the classic
// key-confusion forgery, RFC 8725 §2.1) and "none" are never allowed; EdDSA
// is not in cjose 0.6.2.
bool IsSupportedAlgorithm(std::string_view alg);

// The claim naming the caller when `name_claim` is empty: GitHub's
// "repository", GitLab's "project_path", else "sub". The caller's name is
// "<issuer name>:<value>", so two issuers never produce the same name.
std::string DefaultNameClaim(IssuerKind kind);

// Whether `url` may be fetched for keys: https, or http only on a loopback
// host (tests), since keys fetched over plain HTTP could be anyone's.
bool IsTrustworthyKeyUrl(std::string_view url);

// Checks a list as loaded from server.toml: names and issuers unique and
// non-empty, audience set, issuer URL https (or loopback http), algorithms
// supported, skew at most 5 minutes, and bindings that hold:
// - GitHub's and GitLab's issuers are shared by every repository on them,
//   and a workflow picks its own audience, so any repository can mint a
//   token for this server: a github issuer must require repository_owner_id
//   or repository_id, a gitlab one namespace_id or project_id.
// - Names (repository, repository_owner, project_path, namespace_path) are
//   reused after a rename or deletion, so a binding to a name must come
//   with the matching numeric id; id claims (*_id) take exact values only.
// Errors are kUsage and name the entry by its `source`.
Result<void> ValidateTrustedIssuers(const std::vector<TrustedIssuer>& issuers);

}  // namespace audex
