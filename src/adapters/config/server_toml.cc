// server.toml (server_toml.h).
#include "adapters/config/server_toml.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>

#include "adapters/config/config_files.h"
#include "adapters/config/oidc_issuers_toml.h"
#include "adapters/config/toml_fields.h"
#include "adapters/files/files.h"
#include "core/base/text.h"
#include "core/plan/ttl.h"
#include "core/team/oidc_rules.h"

namespace audex {
namespace {

const std::vector<std::string>& KnownKeys() {
  static const std::vector<std::string> kKnown = {"listen",
                                                  "tls_cert",
                                                  "tls_key",
                                                  "store",
                                                  "state_dir",
                                                  "role_arn",
                                                  "region",
                                                  "gcp_service_account",
                                                  "gcp_project",
                                                  "azure_subscription_id",
                                                  "audience",
                                                  "deny",
                                                  "deny_list",
                                                  "profiles",
                                                  "sts_cache",
                                                  "sts_cache_bucket",
                                                  "threads",
                                                  "max_connections",
                                                  "max_body_bytes",
                                                  "shutdown_grace",
                                                  "issuing_timeout",
                                                  "policies",
                                                  "oidc",
                                                  "webhook"};
  return kKnown;
}

const std::vector<std::string>& KnownRuleKeys() {
  static const std::vector<std::string> kKnown = {
      "providers",    "profiles", "actions", "roles",  "max_ttl", "rate",
      "profile_rate", "admin",    "issuers", "claims", "groups",  "approval"};
  return kKnown;
}

std::string UnknownKey(const std::string& where, const std::string& key,
                       const std::vector<std::string>& known) {
  const std::string closest = ClosestName(key, known);
  return fmt::format("{}: unknown key \"{}\" ignored{}", where, key,
                     closest.empty() ? "" : fmt::format(" (did you mean {}?)", closest));
}

std::string Resolve(const std::filesystem::path& base, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return (base / path).lexically_normal().string();
}

Result<std::chrono::seconds> Duration(const toml::node& node, const std::string& path,
                                      const std::string& key, std::string_view example) {
  auto text = TomlString(node, path, key, example);
  if (!text) return tl::unexpected(text.error());
  auto duration = ParseTtl(*text);
  if (!duration) {
    return UsageError(
        fmt::format("{}: key \"{}\": {}", TomlWhere(path, node), key, duration.error().message));
  }
  return *duration;
}

Result<int64_t> Integer(const toml::node& node, const std::string& path, const std::string& key,
                        int64_t minimum, int64_t maximum) {
  const auto* value = node.as_integer();
  if (value == nullptr || value->get() < minimum || value->get() > maximum) {
    return UsageError(fmt::format("{}: key \"{}\" must be a whole number from {} to {}",
                                  TomlWhere(path, node), key, minimum, maximum));
  }
  return value->get();
}

Result<bool> Boolean(const toml::node& node, const std::string& path, const std::string& key) {
  const auto* value = node.as_boolean();
  if (value == nullptr) {
    return UsageError(
        fmt::format("{}: key \"{}\" must be true or false", TomlWhere(path, node), key));
  }
  return value->get();
}

// approval = { approvals = 2, groups = ["sec"], pending_ttl = "1h",
// window = "1h", break_glass = true } (core/team/approval_rules.h).
Result<ApprovalSetting> ReadApproval(const toml::node& node, const std::string& path,
                                     const std::string& prefix) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return UsageError(fmt::format(
        "{}: {} must be a table: {} = {{ approvals = 2, groups = [\"sec\"], pending_ttl = "
        "\"1h\" }}",
        TomlWhere(path, node), prefix, prefix));
  }
  ApprovalSetting setting;
  for (const auto& entry : *table) {
    const std::string key(entry.first.str());
    const toml::node& field = entry.second;
    const std::string qualified = prefix + "." + key;
    if (key == "approvals") {
      auto value = Integer(field, path, qualified, 1, kMaxApprovals);
      if (!value) return tl::unexpected(value.error());
      setting.approvals = static_cast<int>(*value);
    } else if (key == "groups") {
      auto list = TomlStringList(field, path, qualified, "[\"sec\", \"platform\"]");
      if (!list) return tl::unexpected(list.error());
      setting.groups = std::move(*list);
    } else if (key == "pending_ttl" || key == "window") {
      auto value = Duration(field, path, qualified, "\"1h\"");
      if (!value) return tl::unexpected(value.error());
      if (key == "window" && *value < kMinApprovalWindow) {
        return UsageError(fmt::format("{}: {} must be 15m or more (STS issues no shorter session)",
                                      TomlWhere(path, field), qualified));
      }
      (key == "pending_ttl" ? setting.pending_ttl : setting.window.emplace()) = *value;
    } else if (key == "break_glass") {
      auto value = Boolean(field, path, qualified);
      if (!value) return tl::unexpected(value.error());
      setting.break_glass = *value;
    } else {
      return UsageError(
          fmt::format("{}: unknown key {} (an approval takes approvals, groups, "
                      "pending_ttl, window and break_glass)",
                      TomlWhere(path, field), qualified));
    }
  }
  if (setting.groups.empty()) {
    return UsageError(
        fmt::format("{}: {} names no groups: approvers must be named, e.g. groups = [\"sec\"]",
                    TomlWhere(path, node), prefix));
  }
  return setting;
}

// [webhook] url = "https://hooks.slack.com/services/...", timeout = "5s",
// attempts = 4.
Result<WebhookConfig> ReadWebhook(const toml::node& node, const std::string& path) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return UsageError(fmt::format("{}: webhook must be a table: [webhook] url = \"https://...\"",
                                  TomlWhere(path, node)));
  }
  WebhookConfig webhook;
  for (const auto& entry : *table) {
    const std::string key(entry.first.str());
    const toml::node& field = entry.second;
    const std::string qualified = "webhook." + key;
    if (key == "url") {
      auto url = TomlString(field, path, qualified, "\"https://hooks.slack.com/services/...\"");
      if (!url) return tl::unexpected(url.error());
      if (!url->starts_with("https://") && !url->starts_with("http://")) {
        // The value itself is never echoed: it is a secret.
        return UsageError(fmt::format("{}: webhook.url must be an http:// or https:// URL",
                                      TomlWhere(path, field)));
      }
      webhook.url = std::move(*url);
    } else if (key == "timeout") {
      auto value = Duration(field, path, qualified, "\"5s\"");
      if (!value) return tl::unexpected(value.error());
      webhook.timeout = *value;
    } else if (key == "attempts") {
      auto value = Integer(field, path, qualified, 1, 10);
      if (!value) return tl::unexpected(value.error());
      webhook.attempts = static_cast<int>(*value);
    } else {
      return UsageError(
          fmt::format("{}: unknown key {} ([webhook] takes url, timeout and attempts)",
                      TomlWhere(path, field), qualified));
    }
  }
  if (webhook.url.empty()) {
    return UsageError(
        fmt::format("{}: [webhook] needs url = \"https://...\"", TomlWhere(path, node)));
  }
  return webhook;
}

Result<ServerRule> ReadRule(const std::string& name, const toml::node& node,
                            const std::string& path, std::vector<std::string>* warnings) {
  const std::string prefix = "policies." + name;
  const auto* table = node.as_table();
  if (table == nullptr) {
    return UsageError(
        fmt::format("{}: {} must be a table ([{}])", TomlWhere(path, node), prefix, prefix));
  }
  ServerRule rule;
  rule.name = name;
  for (const auto& entry : *table) {
    const std::string key(entry.first.str());
    const toml::node& field = entry.second;
    const std::string qualified = prefix + "." + key;
    if (key == "providers") {
      auto list = TomlStringList(field, path, qualified, "[\"aws\"]");
      if (!list) return tl::unexpected(list.error());
      for (const std::string& item : *list) {
        auto provider = ParseProviderOption(item, qualified);
        if (!provider) {
          return UsageError(
              fmt::format("{}: {}", TomlWhere(path, field), provider.error().message));
        }
        rule.providers.push_back(*provider);
      }
    } else if (key == "profiles" || key == "actions" || key == "roles") {
      auto list = TomlStringList(field, path, qualified,
                                 key == "actions" ? "[\"s3:Get*\", \"s3:List*\"]"
                                 : key == "roles" ? "[\"arn:aws:iam::123456789012:role/deploy\"]"
                                                  : "[\"s3-readonly\"]");
      if (!list) return tl::unexpected(list.error());
      (key == "profiles"  ? rule.profiles
       : key == "actions" ? rule.actions
                          : rule.roles) = std::move(*list);
    } else if (key == "max_ttl") {
      auto ttl = Duration(field, path, qualified, "\"1h\"");
      if (!ttl) return tl::unexpected(ttl.error());
      rule.max_ttl = *ttl;
    } else if (key == "issuers" || key == "groups") {
      auto list = TomlStringList(field, path, qualified,
                                 key == "issuers" ? "[\"github\"]" : "[\"platform\"]");
      if (!list) return tl::unexpected(list.error());
      (key == "issuers" ? rule.issuers : rule.groups) = std::move(*list);
    } else if (key == "claims") {
      auto bindings = ReadClaimBindings(field, path, qualified);
      if (!bindings) return tl::unexpected(bindings.error());
      rule.claims = std::move(*bindings);
    } else if (key == "admin") {
      auto value = Boolean(field, path, qualified);
      if (!value) return tl::unexpected(value.error());
      rule.admin = *value;
    } else if (key == "approval") {
      auto approval = ReadApproval(field, path, qualified);
      if (!approval) return tl::unexpected(approval.error());
      rule.approval = std::move(*approval);
    } else if (key == "rate" || key == "profile_rate") {
      auto text = TomlString(field, path, qualified, "\"10/min\"");
      if (!text) return tl::unexpected(text.error());
      auto rate = ParseRateSetting(*text, TomlWhere(path, field) + ": " + qualified);
      if (!rate) return tl::unexpected(rate.error());
      (key == "rate" ? rule.rate : rule.profile_rate) = std::move(*rate);
    } else if (warnings != nullptr) {
      warnings->push_back(UnknownKey(TomlWhere(path, field), qualified, KnownRuleKeys()));
    }
  }
  return rule;
}

}  // namespace

Result<ServerConfig> ParseServerToml(std::string_view text, const std::string& path,
                                     const std::filesystem::path& base_dir,
                                     std::vector<std::string>* warnings) {
  auto parsed = ParseTomlText(text, path);
  if (!parsed) return tl::unexpected(parsed.error());
  ServerConfig config;
  config.source = path;
  config.deny.source = path;
  config.policy_text = ServerPolicyText(text);
  std::optional<std::string> deny_list_file, profiles_file;
  for (const auto& entry : *parsed) {
    const std::string key(entry.first.str());
    const toml::node& field = entry.second;
    const auto string_field = [&](auto& out, std::string_view example) {
      return ReadTomlString(field, path, key, example, out);
    };
    const auto& optional_string = string_field;
    Result<void> read;
    if (key == "listen") {
      read = string_field(config.listen, "\"127.0.0.1:8700\"");
    } else if (key == "tls_cert") {
      read = optional_string(config.tls_cert, "\"/etc/audex/tls.crt\"");
    } else if (key == "tls_key") {
      read = optional_string(config.tls_key, "\"/etc/audex/tls.key\"");
    } else if (key == "store") {
      read = string_field(config.store, "\"sqlite:///var/lib/audex/team.db\"");
    } else if (key == "state_dir") {
      read = string_field(config.state_dir, "\"/var/lib/audex\"");
    } else if (key == "role_arn") {
      read = optional_string(config.role_arn, "\"arn:aws:iam::123456789012:role/audex\"");
    } else if (key == "region") {
      read = optional_string(config.region, "\"eu-west-1\"");
    } else if (key == "gcp_service_account") {
      read = optional_string(config.gcp_service_account, "\"audex@p.iam.gserviceaccount.com\"");
    } else if (key == "gcp_project") {
      read = optional_string(config.gcp_project, "\"my-project\"");
    } else if (key == "azure_subscription_id") {
      read =
          optional_string(config.azure_subscription_id, "\"00000000-1111-2222-3333-444444444444\"");
    } else if (key == "audience") {
      read = string_field(config.audience, "\"https://audex.example.com\"");
    } else if (key == "deny") {
      auto list = TomlStringList(field, path, key, "[\"iam:*\", \"organizations:*\"]");
      if (!list) return tl::unexpected(list.error());
      auto deny = MakeDenyList(std::move(*list), path);
      if (!deny) return tl::unexpected(deny.error());
      config.deny = std::move(*deny);
    } else if (key == "deny_list") {
      read = optional_string(deny_list_file, "\"/etc/audex/deny-list.toml\"");
    } else if (key == "profiles") {
      read = optional_string(profiles_file, "\"/etc/audex/profiles.toml\"");
    } else if (key == "sts_cache") {
      auto value = Boolean(field, path, key);
      if (!value) return tl::unexpected(value.error());
      config.sts_cache = *value;
    } else if (key == "sts_cache_bucket") {
      auto value = Duration(field, path, key, "\"5m\"");
      if (!value) return tl::unexpected(value.error());
      config.sts_cache_bucket = *value;
    } else if (key == "issuing_timeout") {
      auto value = Duration(field, path, key, "\"2m\"");
      if (!value) return tl::unexpected(value.error());
      config.issuing_timeout = *value;
    } else if (key == "shutdown_grace") {
      auto value = Duration(field, path, key, "\"20s\"");
      if (!value) return tl::unexpected(value.error());
      config.shutdown_grace = *value;
    } else if (key == "threads") {
      auto value = Integer(field, path, key, 1, 256);
      if (!value) return tl::unexpected(value.error());
      config.threads = static_cast<size_t>(*value);
    } else if (key == "max_connections") {
      auto value = Integer(field, path, key, 1, 65536);
      if (!value) return tl::unexpected(value.error());
      config.max_connections = static_cast<size_t>(*value);
    } else if (key == "max_body_bytes") {
      auto value = Integer(field, path, key, 1024, 16 * 1024 * 1024);
      if (!value) return tl::unexpected(value.error());
      config.max_body_bytes = static_cast<size_t>(*value);
    } else if (key == "policies") {
      const auto* table = field.as_table();
      if (table == nullptr) {
        return UsageError(
            fmt::format("{}: policies must be tables: [policies.NAME]", TomlWhere(path, field)));
      }
      // In the file's order (toml++ keeps tables sorted by name): an OIDC
      // caller is bound to the first rule set that accepts it.
      std::vector<std::pair<uint32_t, ServerRule>> read_rules;
      for (const auto& rule_entry : *table) {
        auto rule =
            ReadRule(std::string(rule_entry.first.str()), rule_entry.second, path, warnings);
        if (!rule) return tl::unexpected(rule.error());
        read_rules.emplace_back(rule_entry.second.source().begin.line, std::move(*rule));
      }
      std::stable_sort(read_rules.begin(), read_rules.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [line, rule] : read_rules) config.policy.rules.push_back(std::move(rule));
    } else if (key == "webhook") {
      auto webhook = ReadWebhook(field, path);
      if (!webhook) return tl::unexpected(webhook.error());
      config.webhook = std::move(*webhook);
    } else if (key == "oidc") {
      // [[oidc.issuers]]: read below, by its own reader.
    } else if (warnings != nullptr) {
      warnings->push_back(UnknownKey(TomlWhere(path, field), key, KnownKeys()));
    }
    if (!read) return tl::unexpected(read.error());
  }
  auto issuers = ParseOidcIssuersToml(text, path);
  if (!issuers) return tl::unexpected(issuers.error());
  config.issuers = std::move(*issuers);
  if (auto bound = ValidateOidcRules(config.policy, config.issuers, path); !bound) {
    return tl::unexpected(bound.error());
  }

  if (config.store.empty()) {
    return UsageError(
        fmt::format("{}: no store: set store = \"sqlite:///var/lib/audex/team.db\" (one node) or "
                    "store = \"postgresql://audex@db/audex\" (several replicas)",
                    path));
  }
  if (config.tls_cert.has_value() != config.tls_key.has_value()) {
    return UsageError(fmt::format("{}: set both tls_cert and tls_key for TLS, or neither", path));
  }
  if (config.state_dir.empty()) {
    return UsageError(fmt::format(
        "{}: no state_dir: set state_dir = \"/var/lib/audex\" (the audit and cache keys live "
        "there)",
        path));
  }
  config.state_dir = Resolve(base_dir, config.state_dir);
  if (config.store.find("://") == std::string::npos) config.store = Resolve(base_dir, config.store);
  if (config.tls_cert) config.tls_cert = Resolve(base_dir, *config.tls_cert);
  if (config.tls_key) config.tls_key = Resolve(base_dir, *config.tls_key);
  if (deny_list_file) config.deny.source = Resolve(base_dir, *deny_list_file);
  if (profiles_file) {
    Profile marker;
    marker.source = Resolve(base_dir, *profiles_file);
    config.profiles.push_back(std::move(marker));  // LoadServerConfig reads it
  }
  return config;
}

Result<ServerConfig> LoadServerConfig(const std::filesystem::path& path,
                                      std::vector<std::string>* warnings) {
  auto text = ReadFileIfPresent(path, ErrorKind::kUsage);
  if (!text) return tl::unexpected(text.error());
  if (!*text) {
    return UsageError(fmt::format(
        "{} does not exist; write one (docs/team-mode.md, \"Configuration\") and pass it with "
        "--config",
        path.string()));
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return UsageError(fmt::format(
        "{} can be written by others, who could then grant themselves anything; run chmod go-w "
        "{}",
        path.string(), path.string()));
  }
  const std::filesystem::path base = path.has_parent_path() ? path.parent_path() : ".";
  auto config = ParseServerToml(**text, path.string(), base, warnings);
  if (!config) return tl::unexpected(config.error());
  // The files it names: custom profiles, and a deny list beside the inline one.
  if (!config->profiles.empty()) {
    const std::string profiles_path = config->profiles.front().source;
    config->profiles.clear();
    auto profiles_text = ReadFileIfPresent(profiles_path, ErrorKind::kUsage);
    if (!profiles_text) return tl::unexpected(profiles_text.error());
    if (!*profiles_text) {
      return UsageError(
          fmt::format("{}: profiles = \"{}\" does not exist", path.string(), profiles_path));
    }
    auto profiles = ParseProfilesToml(**profiles_text, profiles_path);
    if (!profiles) return tl::unexpected(profiles.error());
    config->profiles = std::move(*profiles);
  }
  if (config->deny.source != path.string()) {
    const std::string deny_path = config->deny.source;
    auto deny_text = ReadFileIfPresent(deny_path, ErrorKind::kUsage);
    if (!deny_text) return tl::unexpected(deny_text.error());
    if (!*deny_text) {
      return UsageError(
          fmt::format("{}: deny_list = \"{}\" does not exist", path.string(), deny_path));
    }
    auto listed = ParseDenyListToml(**deny_text, deny_path);
    if (!listed) return tl::unexpected(listed.error());
    std::vector<std::string> patterns = config->deny.patterns;
    patterns.insert(patterns.end(), listed->patterns.begin(), listed->patterns.end());
    auto deny = MakeDenyList(std::move(patterns), path.string() + " and " + deny_path);
    if (!deny) return tl::unexpected(deny.error());
    config->deny = std::move(*deny);
  }
  return config;
}

}  // namespace audex
