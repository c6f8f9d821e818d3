// Caller: who presented a verified OIDC ID token, as the server's rules and
// audit see it. Built only from a token whose signature and claims passed.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace audex {

struct Caller {
  std::string name;                 // "<issuer name>:<name claim>", e.g. "github:octo/deploy"
  std::vector<std::string> groups;  // the issuer's static groups, then the groups claim's
  std::string issuer_name;          // the TrustedIssuer's name
  std::string issuer;               // "iss"
  std::string subject;              // "sub"
  std::string jti;                  // empty when the token has none (jti_once off)
  std::chrono::system_clock::time_point expires_at;  // "exp": no grant outlives it
  // Every top-level claim whose value is a string, number or boolean, as
  // text (numbers in decimal, booleans "true"/"false"): what rules bind to.
  std::map<std::string, std::string> claims;
  // The claims the audit records for this kind of issuer, in a fixed order:
  // for GitHub the repository and owner ids, ref, environment, workflow,
  // runner environment and run_id, run_attempt, actor_id.
  std::vector<std::pair<std::string, std::string>> recorded;
};

}  // namespace audex
