// Trusted issuer configuration rules (trusted_issuer.h).
#include "core/identity/trusted_issuer.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/base/text.h"
#include "core/policy/glob.h"
#include "core/wire/url.h"

namespace audex {
namespace {

constexpr std::string_view kSupportedAlgorithms[] = {"RS256", "RS384", "RS512", "PS256", "PS384",
                                                     "PS512", "ES256", "ES384", "ES512"};

// A name claim and the id claim that must accompany it in a binding.
struct NameAndId {
  std::string_view name;
  std::string_view id;
};
constexpr NameAndId kGithubNames[] = {{"repository", "repository_id"},
                                      {"repository_owner", "repository_owner_id"}};
constexpr NameAndId kGitlabNames[] = {{"project_path", "project_id"},
                                      {"namespace_path", "namespace_id"}};

bool Requires(const TrustedIssuer& issuer, std::string_view claim) {
  return std::any_of(issuer.require.begin(), issuer.require.end(),
                     [&](const ClaimBinding& binding) { return binding.claim == claim; });
}

bool IsIdClaim(std::string_view claim) {
  return claim.size() > 3 && claim.substr(claim.size() - 3) == "_id";
}

Result<void> ValidateBindings(const TrustedIssuer& issuer) {
  const std::string& where = issuer.source;
  for (const ClaimBinding& binding : issuer.require) {
    if (binding.claim.empty() || binding.allowed.empty()) {
      return UsageError(fmt::format(
          "{}: issuer \"{}\": require.{} lists no values; give the values the claim may have",
          where, issuer.name, binding.claim));
    }
    if (IsIdClaim(binding.claim)) {
      for (const std::string& value : binding.allowed) {
        if (HasWildcard(value) || value.empty()) {
          return UsageError(fmt::format(
              "{}: issuer \"{}\": require.{} = \"{}\": an id is matched exactly; write the "
              "numeric id without wildcards",
              where, issuer.name, binding.claim, value));
        }
      }
    }
  }
  // The issuer's audience is no protection on a shared issuer: every
  // workflow on GitHub (every job on gitlab.com) can ask for a token with
  // this server's audience.
  if (issuer.kind == IssuerKind::kGithub && !Requires(issuer, "repository_owner_id") &&
      !Requires(issuer, "repository_id")) {
    return UsageError(fmt::format(
        "{}: issuer \"{}\" (github): any repository on GitHub can mint a token with this "
        "server's audience; add require.repository_owner_id (your organisation's numeric id) or "
        "require.repository_id",
        where, issuer.name));
  }
  if (issuer.kind == IssuerKind::kGitlab && !Requires(issuer, "namespace_id") &&
      !Requires(issuer, "project_id")) {
    return UsageError(fmt::format(
        "{}: issuer \"{}\" (gitlab): any project on the instance can mint a token with this "
        "server's audience; add require.namespace_id (your group's numeric id) or "
        "require.project_id",
        where, issuer.name));
  }
  const auto check_pairs = [&](const auto& pairs) -> Result<void> {
    for (const NameAndId& pair : pairs) {
      if (Requires(issuer, pair.name) && !Requires(issuer, pair.id)) {
        return UsageError(fmt::format(
            "{}: issuer \"{}\": require.{} binds to a name, which is given to someone else "
            "after a rename or deletion; add require.{} (the numeric id)",
            where, issuer.name, pair.name, pair.id));
      }
    }
    return {};
  };
  if (issuer.kind == IssuerKind::kGithub) return check_pairs(kGithubNames);
  if (issuer.kind == IssuerKind::kGitlab) return check_pairs(kGitlabNames);
  return {};
}

Result<void> ValidateOne(const TrustedIssuer& issuer) {
  const std::string& where = issuer.source;
  if (issuer.name.empty() || !std::all_of(issuer.name.begin(), issuer.name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      })) {
    return UsageError(fmt::format(
        "{}: issuer name \"{}\" must be lower-case letters, digits, '-' or '_' (like \"github\")",
        where, issuer.name));
  }
  if (issuer.issuer.empty()) {
    return UsageError(
        fmt::format("{}: issuer \"{}\" has no issuer URL; set issuer = "
                    "\"https://token.actions.githubusercontent.com\" or your provider's",
                    where, issuer.name));
  }
  if (!IsTrustworthyKeyUrl(issuer.issuer)) {
    return UsageError(
        fmt::format("{}: issuer \"{}\": {} must be an https URL (plain http only on 127.0.0.1 or "
                    "localhost): its keys decide who may call this server",
                    where, issuer.name, issuer.issuer));
  }
  if (issuer.audience.empty()) {
    return UsageError(fmt::format(
        "{}: issuer \"{}\" has no audience; set audience to this server's own (such as its URL) "
        "and ask for tokens with that audience",
        where, issuer.name));
  }
  if (issuer.algorithms.empty()) {
    return UsageError(fmt::format("{}: issuer \"{}\": algorithms is empty; write [\"RS256\"]",
                                  where, issuer.name));
  }
  for (const std::string& alg : issuer.algorithms) {
    if (!IsSupportedAlgorithm(alg)) {
      return UsageError(fmt::format(
          "{}: issuer \"{}\": algorithm \"{}\" is not accepted; use RS256, RS384, RS512, PS256, "
          "PS384, PS512, ES256, ES384 or ES512 (HS* and none are forgeable, EdDSA is not in "
          "Debian 12's cjose)",
          where, issuer.name, alg));
    }
  }
  if (issuer.clock_skew < std::chrono::seconds(0) || issuer.clock_skew > std::chrono::minutes(5)) {
    return UsageError(
        fmt::format("{}: issuer \"{}\": clock_skew must be between 0s and 5m", where, issuer.name));
  }
  if (issuer.jwks_ttl < std::chrono::seconds(1)) {
    return UsageError(
        fmt::format("{}: issuer \"{}\": jwks_ttl must be at least 1s", where, issuer.name));
  }
  return ValidateBindings(issuer);
}

}  // namespace

const char* IssuerKindName(IssuerKind kind) {
  switch (kind) {
    case IssuerKind::kGithub:
      return "github";
    case IssuerKind::kGitlab:
      return "gitlab";
    case IssuerKind::kGeneric:
      return "generic";
  }
  return "generic";
}

std::optional<IssuerKind> ParseIssuerKind(std::string_view text) {
  if (text == "github") return IssuerKind::kGithub;
  if (text == "gitlab") return IssuerKind::kGitlab;
  if (text == "generic") return IssuerKind::kGeneric;
  return std::nullopt;
}

bool IsSupportedAlgorithm(std::string_view alg) {
  return std::find(std::begin(kSupportedAlgorithms), std::end(kSupportedAlgorithms), alg) !=
         std::end(kSupportedAlgorithms);
}

std::string DefaultNameClaim(IssuerKind kind) {
  switch (kind) {
    case IssuerKind::kGithub:
      return "repository";
    case IssuerKind::kGitlab:
      return "project_path";
    case IssuerKind::kGeneric:
      return "sub";
  }
  return "sub";
}

bool IsTrustworthyKeyUrl(std::string_view url) {
  auto parsed = ParseUrl(url);
  if (!parsed) return false;
  if (parsed->scheme == "https") return true;
  return parsed->host == "127.0.0.1" || parsed->host == "localhost" || parsed->host == "[::1]";
}

Result<void> ValidateTrustedIssuers(const std::vector<TrustedIssuer>& issuers) {
  std::set<std::string> names;
  std::set<std::string> urls;
  const TrustedIssuer* login = nullptr;
  for (const TrustedIssuer& issuer : issuers) {
    if (auto valid = ValidateOne(issuer); !valid) return valid;
    // `tryaudex login` asks the server for one provider to log in with; a
    // CI issuer mints tokens for jobs, not people.
    if (issuer.login && issuer.kind != IssuerKind::kGeneric) {
      return UsageError(
          fmt::format("{}: issuer \"{}\" is a {} issuer; login = true is for the "
                      "provider people log in with (kind generic)",
                      issuer.source, issuer.name, IssuerKindName(issuer.kind)));
    }
    if (issuer.login && login != nullptr) {
      return UsageError(
          fmt::format("{}: issuers \"{}\" and \"{}\" both have login = true; "
                      "people log in with one",
                      issuer.source, login->name, issuer.name));
    }
    if (issuer.login) login = &issuer;
    if (!names.insert(issuer.name).second) {
      return UsageError(fmt::format("{}: issuer name \"{}\" is used twice; names must be unique",
                                    issuer.source, issuer.name));
    }
    // Two entries for one iss would make the choice of audience and
    // bindings depend on their order.
    if (!urls.insert(issuer.issuer).second) {
      return UsageError(fmt::format("{}: issuer URL {} is listed twice; merge the two entries",
                                    issuer.source, issuer.issuer));
    }
  }
  return {};
}

}  // namespace audex
