// ID token rules (token_checks.h). Each refusal names its check; values
// quoted from the token go through QuoteUntrusted, since anyone can send one.
#include "core/identity/token_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;

// Claim values longer than this are not kept for rules or the audit.
constexpr size_t kMaxClaimText = 1024;
// NumericDate beyond year 9999 is not a date a token can mean.
constexpr double kLatestNumericDate = 253402300799.0;

std::optional<std::string> ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_float()) return value.dump();
  return std::nullopt;
}

// A NumericDate claim (RFC 7519 §2: seconds since the epoch, fractions
// allowed), or nullopt when absent.
TokenResult<std::optional<Clock::time_point>> NumericDate(const nlohmann::json& claims,
                                                          const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<Clock::time_point>();
  if (!it->is_number()) {
    return Refuse(name, fmt::format("\"{}\" is not a NumericDate (RFC 7519 §2)", name));
  }
  const double seconds = it->get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kLatestNumericDate) {
    return Refuse(name, fmt::format("\"{}\" is not a date between 1970 and 9999", name));
  }
  return std::optional<Clock::time_point>(
      Clock::time_point(std::chrono::seconds(static_cast<int64_t>(std::floor(seconds)))));
}

std::string AllowedList(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values) quoted.push_back("\"" + value + "\"");
  return "[" + Join(quoted, ", ") + "]";
}

std::optional<TokenRefusal> CheckAudience(const nlohmann::json& claims,
                                          const TrustedIssuer& issuer) {
  const auto aud = claims.find("aud");
  std::vector<std::string> audiences;
  if (aud != claims.end() && aud->is_string()) {
    audiences.push_back(aud->get<std::string>());
  } else if (aud != claims.end() && aud->is_array()) {
    for (const nlohmann::json& item : *aud) {
      if (!item.is_string()) {
        return TokenRefusal{"aud", "\"aud\" holds something other than strings"};
      }
      audiences.push_back(item.get<std::string>());
    }
  } else {
    return TokenRefusal{"aud", "the token names no audience (\"aud\")"};
  }
  if (std::find(audiences.begin(), audiences.end(), issuer.audience) != audiences.end()) {
    return std::nullopt;
  }
  // A token for sts.amazonaws.com (or any other service) is that service's:
  // accepting it here would let whoever it was sent to replay it to us.
  return TokenRefusal{
      "aud", fmt::format("the token is for {}, not this server's audience \"{}\"",
                         audiences.empty() ? std::string("no one") : QuoteUntrusted(audiences[0]),
                         issuer.audience)};
}

std::optional<TokenRefusal> CheckTimes(const nlohmann::json& claims, const TrustedIssuer& issuer,
                                       Clock::time_point now, Clock::time_point* expires_at) {
  auto exp = NumericDate(claims, "exp");
  if (!exp) return exp.error();
  if (!*exp) return TokenRefusal{"exp", "the token has no expiry (\"exp\")"};
  if (now >= **exp + issuer.clock_skew) {
    const auto ago = std::chrono::duration_cast<std::chrono::seconds>(now - **exp);
    return TokenRefusal{"exp", fmt::format("the token expired at {} ({} s ago); ask for a new one",
                                           FormatRfc3339(**exp), ago.count())};
  }
  auto nbf = NumericDate(claims, "nbf");
  if (!nbf) return nbf.error();
  if (*nbf && now + issuer.clock_skew < **nbf) {
    return TokenRefusal{"nbf", fmt::format("the token is not valid before {}; check the clocks",
                                           FormatRfc3339(**nbf))};
  }
  auto iat = NumericDate(claims, "iat");
  if (!iat) return iat.error();
  if (!*iat) return TokenRefusal{"iat", "the token has no issue time (\"iat\")"};
  if (**iat > now + issuer.clock_skew) {
    return TokenRefusal{"iat", fmt::format("the token says it was issued at {}, in the future; "
                                           "check the clocks",
                                           FormatRfc3339(**iat))};
  }
  *expires_at = **exp;
  return std::nullopt;
}

TokenResult<std::vector<std::string>> ClaimGroups(const nlohmann::json& claims,
                                                  const std::string& groups_claim) {
  std::vector<std::string> groups;
  if (groups_claim.empty()) return groups;
  const auto it = claims.find(groups_claim);
  if (it == claims.end()) return groups;
  const std::string check = "claim:" + groups_claim;
  if (it->is_string()) {
    groups.push_back(it->get<std::string>());
    return groups;
  }
  if (!it->is_array()) return Refuse(check, "the groups claim is neither a string nor a list");
  for (const nlohmann::json& item : *it) {
    if (!item.is_string()) return Refuse(check, "the groups claim lists something not a string");
    groups.push_back(item.get<std::string>());
  }
  return groups;
}

}  // namespace

TokenResult<const TrustedIssuer*> SelectIssuer(const nlohmann::json& claims,
                                               const std::vector<TrustedIssuer>& issuers) {
  const auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string()) {
    return Refuse("iss", "the token names no issuer (\"iss\")");
  }
  for (const TrustedIssuer& issuer : issuers) {
    if (issuer.issuer == iss->get_ref<const std::string&>()) return &issuer;
  }
  return Refuse("iss", fmt::format("{} is not a trusted issuer (server.toml [[oidc.issuers]])",
                                   QuoteUntrusted(iss->get_ref<const std::string&>())));
}

std::optional<TokenRefusal> CheckHeader(const JwtHeader& header, const TrustedIssuer& issuer) {
  const std::string& alg = header.alg;
  if (EqualsIgnoreCase(alg, "none")) {
    return TokenRefusal{"alg", "the token is unsigned (alg \"none\"); only signed tokens count"};
  }
  if (alg.size() >= 2 && EqualsIgnoreCase(alg.substr(0, 2), "HS")) {
    // With a public key as the MAC secret anyone could sign (RFC 8725 §2.1).
    return TokenRefusal{"alg", fmt::format("{} is a shared-secret MAC; an issuer's tokens must be "
                                           "signed with its private key",
                                           QuoteUntrusted(alg))};
  }
  if (!IsSupportedAlgorithm(alg)) {
    return TokenRefusal{"alg",
                        fmt::format("unknown or unsupported algorithm {}", QuoteUntrusted(alg))};
  }
  if (std::find(issuer.algorithms.begin(), issuer.algorithms.end(), alg) ==
      issuer.algorithms.end()) {
    return TokenRefusal{
        "alg", fmt::format("{} is not among issuer \"{}\"'s algorithms {}", QuoteUntrusted(alg),
                           issuer.name, AllowedList(issuer.algorithms))};
  }
  if (header.has_crit) {
    return TokenRefusal{"crit",
                        "the header lists critical extensions (\"crit\"), which Audex "
                        "does not implement (RFC 7515 §4.1.11)"};
  }
  if (!header.typ.empty() && !EqualsIgnoreCase(header.typ, "JWT") &&
      !EqualsIgnoreCase(header.typ, "application/jwt")) {
    return TokenRefusal{"typ", fmt::format("the token's type is {}, not an ID token (JWT)",
                                           QuoteUntrusted(header.typ))};
  }
  if (header.kid.empty()) {
    return TokenRefusal{"kid", "the header names no key (\"kid\")"};
  }
  return std::nullopt;
}

std::optional<TokenRefusal> MatchBindings(const std::map<std::string, std::string>& claims,
                                          const std::vector<ClaimBinding>& bindings) {
  for (const ClaimBinding& binding : bindings) {
    const std::string check = "bind:" + binding.claim;
    const auto it = claims.find(binding.claim);
    if (it == claims.end()) {
      return TokenRefusal{check, fmt::format("the token has no \"{}\"; required: {}", binding.claim,
                                             AllowedList(binding.allowed))};
    }
    const bool matched =
        std::any_of(binding.allowed.begin(), binding.allowed.end(), [&](const std::string& want) {
          return GlobMatches(want, it->second, CaseRule::kSensitive);
        });
    if (!matched) {
      return TokenRefusal{check,
                          fmt::format("the token's {} {} is not one of {}", binding.claim,
                                      QuoteUntrusted(it->second), AllowedList(binding.allowed))};
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& RecordedClaims(IssuerKind kind) {
  // GitHub: docs.github.com "OpenID Connect reference"; the ids identify,
  // the names are for people reading the audit.
  static const std::vector<std::string> kGithub = {
      "repository",   "repository_id", "repository_owner", "repository_owner_id",
      "ref",          "environment",   "job_workflow_ref", "runner_environment",
      "workflow_ref", "sha",           "event_name",       "run_id",
      "run_attempt",  "actor",         "actor_id"};
  // GitLab: docs.gitlab.com "OpenID Connect (OIDC) Authentication Using ID Tokens".
  static const std::vector<std::string> kGitlab = {"project_path",
                                                   "project_id",
                                                   "namespace_path",
                                                   "namespace_id",
                                                   "ref",
                                                   "ref_type",
                                                   "ref_protected",
                                                   "environment",
                                                   "environment_protected",
                                                   "ci_config_ref_uri",
                                                   "runner_environment",
                                                   "sha",
                                                   "pipeline_id",
                                                   "pipeline_source",
                                                   "job_id",
                                                   "user_login",
                                                   "user_id"};
  static const std::vector<std::string> kGeneric = {"sub", "email", "preferred_username"};
  switch (kind) {
    case IssuerKind::kGithub:
      return kGithub;
    case IssuerKind::kGitlab:
      return kGitlab;
    case IssuerKind::kGeneric:
      return kGeneric;
  }
  return kGeneric;
}

TokenResult<Caller> CheckClaims(const nlohmann::json& claims, const TrustedIssuer& issuer,
                                Clock::time_point now) {
  const auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string() || iss->get<std::string>() != issuer.issuer) {
    return Refuse("iss", fmt::format("the token's issuer is not \"{}\"", issuer.issuer));
  }
  if (auto refused = CheckAudience(claims, issuer)) return tl::unexpected(*refused);
  Caller caller;
  if (auto refused = CheckTimes(claims, issuer, now, &caller.expires_at)) {
    return tl::unexpected(*refused);
  }
  const auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return Refuse("sub", "the token names no subject (\"sub\", OpenID Connect Core §2)");
  }
  const auto jti = claims.find("jti");
  if (jti != claims.end() && jti->is_string()) caller.jti = jti->get<std::string>();
  if (issuer.jti_once && (caller.jti.empty() || caller.jti.size() > 256)) {
    return Refuse("jti", caller.jti.empty()
                             ? "the token has no \"jti\"; each token is accepted once, by its jti"
                             : "the token's \"jti\" is longer than 256 characters");
  }

  for (const auto& [claim, value] : claims.items()) {
    auto text = ScalarText(value);
    if (text && text->size() <= kMaxClaimText) caller.claims.emplace(claim, std::move(*text));
  }
  const std::string name_claim =
      issuer.name_claim.empty() ? DefaultNameClaim(issuer.kind) : issuer.name_claim;
  const auto name = caller.claims.find(name_claim);
  if (name == caller.claims.end() || name->second.empty()) {
    return Refuse("claim:" + name_claim,
                  fmt::format("the token has no \"{}\", which names the caller", name_claim));
  }
  if (auto refused = MatchBindings(caller.claims, issuer.require)) {
    return tl::unexpected(*refused);
  }
  auto groups = ClaimGroups(claims, issuer.groups_claim);
  if (!groups) return tl::unexpected(groups.error());

  caller.name = issuer.name + ":" + name->second;
  caller.groups = issuer.groups;
  for (std::string& group : *groups) {
    if (std::find(caller.groups.begin(), caller.groups.end(), group) == caller.groups.end()) {
      caller.groups.push_back(std::move(group));
    }
  }
  caller.issuer_name = issuer.name;
  caller.issuer = issuer.issuer;
  caller.subject = sub->get<std::string>();
  for (const std::string& claim : RecordedClaims(issuer.kind)) {
    const auto it = caller.claims.find(claim);
    if (it != caller.claims.end()) caller.recorded.emplace_back(claim, it->second);
  }
  return caller;
}

}  // namespace audex
