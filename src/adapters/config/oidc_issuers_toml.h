// server.toml's trusted OIDC issuers, one [[oidc.issuers]] table each:
//
//   [[oidc.issuers]]
//   name = "github"                  # short name: logs, rules, caller names
//   kind = "github"                  # github | gitlab | generic (default)
//   issuer = "https://token.actions.githubusercontent.com"
//   audience = "https://audex.example.com"   # this server's own
//   algorithms = ["RS256"]           # optional, the default
//   name_claim = "repository"        # optional, the kind's default
//   groups_claim = "groups"          # optional
//   groups = ["ci"]                  # optional, given to every caller
//   jti_once = true                  # optional; false for a people IdP
//   clock_skew = "60s"               # optional
//   jwks_ttl = "1h"                  # optional
//   jwks_refetch_interval = "1m"     # optional
//   [oidc.issuers.require]           # claim = "value" or ["v1", "v2*"]
//   repository_owner_id = "2020"
//   ref = ["refs/heads/main", "refs/tags/v*"]
//
// Other top-level keys belong to the rest of server.toml and are not read
// here. Errors are kUsage and name the file, line and key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/config/toml_fields.h"
#include "core/base/result.h"
#include "core/identity/trusted_issuer.h"

namespace audex {

// A table of claim = "value" or claim = ["value", ...] (an issuer's
// `require`, a rule set's `claims`); `qualified` names it in errors.
Result<std::vector<ClaimBinding>> ReadClaimBindings(const toml::node& node, const std::string& path,
                                                    const std::string& qualified);

// Parses and validates (ValidateTrustedIssuers) the issuers of a
// server.toml text; none listed is an empty list.
Result<std::vector<TrustedIssuer>> ParseOidcIssuersToml(std::string_view text,
                                                        const std::string& path);

}  // namespace audex
