// [[oidc.issuers]] in server.toml (oidc_issuers_toml.h).
#include "adapters/config/oidc_issuers_toml.h"

#include <fmt/format.h>

#include "adapters/config/toml_fields.h"
#include "core/base/text.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

const std::vector<std::string>& KnownIssuerKeys() {
  static const std::vector<std::string> kKnown = {
      "name",         "kind",   "issuer",     "audience",   "algorithms", "name_claim",
      "groups_claim", "groups", "jti_once",   "clock_skew", "jwks_ttl",   "jwks_refetch_interval",
      "require",      "login",  "login_scope"};
  return kKnown;
}

Result<std::chrono::seconds> Duration(const toml::node& node, const std::string& path,
                                      const std::string& key) {
  auto text = TomlString(node, path, key, "\"60s\"");
  if (!text) return tl::unexpected(text.error());
  auto duration = ParseTtl(*text);
  if (!duration) {
    return UsageError(
        fmt::format("{}: key \"{}\": {}", TomlWhere(path, node), key, duration.error().message));
  }
  return *duration;
}

Result<TrustedIssuer> ReadIssuer(const toml::node& node, const std::string& path, size_t index) {
  const auto* table = node.as_table();
  const std::string prefix = fmt::format("oidc.issuers[{}]", index);
  if (table == nullptr) {
    return UsageError(
        fmt::format("{}: {} must be a table ([[oidc.issuers]])", TomlWhere(path, node), prefix));
  }
  TrustedIssuer issuer;
  issuer.source = TomlWhere(path, node);
  bool kind_given = false;
  for (const auto& entry : *table) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const std::string name(entry.first.str());
    const toml::node& field = entry.second;
    const std::string key = prefix + "." + name;
    const auto string_field = [&](std::string& out, std::string_view example) {
      return ReadTomlString(field, path, key, example, out);
    };
    Result<void> read;
    if (name == "name") {
      read = string_field(issuer.name, "\"github\"");
    } else if (name == "issuer") {
      read = string_field(issuer.issuer, "\"https://token.actions.githubusercontent.com\"");
    } else if (name == "audience") {
      read = string_field(issuer.audience, "\"https://audex.example.com\"");
    } else if (name == "name_claim") {
      read = string_field(issuer.name_claim, "\"repository\"");
    } else if (name == "groups_claim") {
      read = string_field(issuer.groups_claim, "\"groups\"");
    } else if (name == "kind") {
      std::string kind;
      read = string_field(kind, "\"github\"");
      if (read) {
        auto parsed = ParseIssuerKind(kind);
        if (!parsed) {
          return UsageError(fmt::format(
              "{}: key \"{}\": \"{}\" is not a kind; use \"github\", \"gitlab\" or \"generic\"",
              TomlWhere(path, field), key, kind));
        }
        issuer.kind = *parsed;
        kind_given = true;
      }
    } else if (name == "algorithms" || name == "groups") {
      auto list =
          TomlStringList(field, path, key, name == "algorithms" ? "[\"RS256\"]" : "[\"ci\"]");
      if (!list) return tl::unexpected(list.error());
      (name == "algorithms" ? issuer.algorithms : issuer.groups) = std::move(*list);
    } else if (name == "jti_once" || name == "login") {
      const auto* flag = field.as_boolean();
      if (flag == nullptr) {
        return UsageError(
            fmt::format("{}: key \"{}\" must be true or false", TomlWhere(path, field), key));
      }
      (name == "login" ? issuer.login : issuer.jti_once) = flag->get();
    } else if (name == "login_scope") {
      read = string_field(issuer.login_scope, "\"email groups\"");
    } else if (name == "clock_skew" || name == "jwks_ttl" || name == "jwks_refetch_interval") {
      auto duration = Duration(field, path, key);
      if (!duration) return tl::unexpected(duration.error());
      (name == "clock_skew" ? issuer.clock_skew
       : name == "jwks_ttl" ? issuer.jwks_ttl
                            : issuer.jwks_refetch_interval) = *duration;
    } else if (name == "require") {
      auto bindings = ReadClaimBindings(field, path, key);
      if (!bindings) return tl::unexpected(bindings.error());
      issuer.require = std::move(*bindings);
    } else {
      const std::string closest = ClosestName(name, KnownIssuerKeys());
      return UsageError(fmt::format("{}: unknown key \"{}\"{}", TomlWhere(path, field), key,
                                    closest.empty() ? "" : " (did you mean " + closest + "?)"));
    }
    if (!read) return tl::unexpected(read.error());
  }
  // GitHub's own issuer as "generic" would skip the rule that binds it to
  // an owner or repository id, and any repository could then call.
  if (!kind_given && (issuer.issuer == "https://token.actions.githubusercontent.com" ||
                      issuer.issuer.ends_with("/_services/token"))) {
    return UsageError(fmt::format("{}: {} is GitHub Actions' issuer; add kind = \"github\"",
                                  issuer.source, issuer.issuer));
  }
  return issuer;
}

}  // namespace

Result<std::vector<ClaimBinding>> ReadClaimBindings(const toml::node& node, const std::string& path,
                                                    const std::string& qualified) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return UsageError(
        fmt::format("{}: {} must be a table of claim = \"value\" or claim = [\"value\", ...]",
                    TomlWhere(path, node), qualified));
  }
  std::vector<ClaimBinding> bindings;
  for (const auto& [claim_key, value] : *table) {
    ClaimBinding binding;
    binding.claim = std::string(claim_key.str());
    const std::string key = qualified + "." + binding.claim;
    if (value.is_string()) {
      binding.allowed.push_back(value.as_string()->get());
    } else {
      auto list = TomlStringList(value, path, key, "[\"refs/heads/main\"]");
      if (!list) return tl::unexpected(list.error());
      binding.allowed = std::move(*list);
    }
    bindings.push_back(std::move(binding));
  }
  return bindings;
}

Result<std::vector<TrustedIssuer>> ParseOidcIssuersToml(std::string_view text,
                                                        const std::string& path) {
  auto root = ParseTomlText(text, path);
  if (!root) return tl::unexpected(root.error());
  std::vector<TrustedIssuer> issuers;
  const toml::node* oidc = root->get("oidc");
  if (oidc == nullptr) return issuers;
  const auto* oidc_table = oidc->as_table();
  if (oidc_table == nullptr) {
    return UsageError(fmt::format("{}: \"oidc\" must be a table holding [[oidc.issuers]]",
                                  TomlWhere(path, *oidc)));
  }
  for (const auto& [key, node] : *oidc_table) {
    if (key.str() != "issuers") {
      return UsageError(fmt::format("{}: unknown key \"oidc.{}\"; [oidc] holds [[oidc.issuers]]",
                                    TomlWhere(path, node), key.str()));
    }
    const auto* array = node.as_array();
    if (array == nullptr) {
      return UsageError(
          fmt::format("{}: \"oidc.issuers\" must be an array of tables; write [[oidc.issuers]]",
                      TomlWhere(path, node)));
    }
    for (size_t i = 0; i < array->size(); ++i) {
      auto issuer = ReadIssuer(*array->get(i), path, i);
      if (!issuer) return tl::unexpected(issuer.error());
      issuers.push_back(std::move(*issuer));
    }
  }
  if (auto valid = ValidateTrustedIssuers(issuers); !valid) return tl::unexpected(valid.error());
  return issuers;
}

}  // namespace audex
