#include "adapters/config/config_files.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "adapters/config/paths.h"
#include "adapters/config/toml_fields.h"
#include "adapters/files/files.h"
#include "core/base/text.h"
#include "core/plan/sts_request.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

std::string Where(const std::string& path, const toml::node& node) {
  return fmt::format("{}:{}", path, node.source().begin.line);
}

// toml++ 3.3.0 (Debian's) reaches __builtin_unreachable() when a non-ASCII
// character stands where it checks for whitespace (upstream issues #190 and
// #295, fixed after 3.3.0; found by fuzz/toml_loaders_fuzzer). Non-ASCII
// text is therefore only let through inside strings and comments, and only
// once the same document with those characters replaced by '_' has parsed:
// then toml++'s own reading agrees that they sit inside strings or comments,
// where it never asks whether a character is whitespace.
Result<std::string> AsciiStandIn(std::string_view text, const std::string& path) {
  enum class In { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  In in = In::kCode;
  size_t line = 1;
  std::string stand_in(text);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool non_ascii = static_cast<unsigned char>(c) >= 0x80;
    if (c == '\n') {
      ++line;
      if (in == In::kComment || in == In::kBasic || in == In::kLiteral) in = In::kCode;
      continue;
    }
    if (non_ascii) {
      if (in == In::kCode || in == In::kMultiBasic) {
        return UsageError(fmt::format(
            "{}:{}: a non-ASCII character outside a one-line quoted value or comment; keys, "
            "TOML syntax and \"\"\" strings must be ASCII here",
            path, line));
      }
      stand_in[i] = '_';
      continue;
    }
    switch (in) {
      case In::kCode:
        if (c == '#') {
          in = In::kComment;
        } else if (c == '"' || c == '\'') {
          const bool multi = text.substr(i, 3) == std::string(3, c);
          in = c == '"' ? (multi ? In::kMultiBasic : In::kBasic)
                        : (multi ? In::kMultiLiteral : In::kLiteral);
          if (multi) i += 2;
        }
        break;
      case In::kComment:
        break;
      case In::kBasic:
        if (c == '\\') {
          ++i;  // an escape: the next character cannot end the string
        } else if (c == '"') {
          in = In::kCode;
        }
        break;
      case In::kLiteral:
        if (c == '\'') in = In::kCode;
        break;
      case In::kMultiBasic:
      case In::kMultiLiteral: {
        const char quote = in == In::kMultiBasic ? '"' : '\'';
        if (in == In::kMultiBasic && c == '\\') {
          ++i;
          if (i < text.size() && text[i] == '\n') ++line;
        } else if (text.substr(i, 3) == std::string(3, quote)) {
          in = In::kCode;
          i += 2;
        }
        break;
      }
    }
  }
  return stand_in;
}

// toml++ reports syntax errors by exception; they end at this boundary.
Result<toml::table> ParseToml(std::string_view text, const std::string& path) {
  const bool has_non_ascii = std::any_of(
      text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (has_non_ascii) {
    auto stand_in = AsciiStandIn(text, path);
    if (!stand_in) return tl::unexpected(stand_in.error());
    try {
      (void)toml::parse(*stand_in, path);
    } catch (const toml::parse_error& error) {
      return UsageError(fmt::format("{}:{}: {}; fix the TOML syntax", path,
                                    error.source().begin.line, error.description()));
    }
  }
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return UsageError(fmt::format("{}:{}: {}; fix the TOML syntax", path, error.source().begin.line,
                                  error.description()));
  }
}

Result<std::string> RequireString(const toml::node& node, const std::string& path,
                                  std::string_view key, std::string_view example) {
  if (const auto* value = node.as_string()) return value->get();
  return UsageError(fmt::format("{}: key \"{}\" must be a string, like {} = {}", Where(path, node),
                                key, key, example));
}

Result<std::vector<std::string>> RequireStringList(const toml::node& node, const std::string& path,
                                                   std::string_view key, std::string_view example) {
  const auto fail = [&](const toml::node& at) {
    return UsageError(fmt::format("{}: key \"{}\" must be a list of strings, like {} = {}",
                                  Where(path, at), key, key, example));
  };
  const auto* array = node.as_array();
  if (array == nullptr) return fail(node);
  std::vector<std::string> out;
  for (const toml::node& item : *array) {
    const auto* value = item.as_string();
    if (value == nullptr) return fail(item);
    out.push_back(value->get());
  }
  return out;
}

// [network] allowed_ips, allowed_vpcs, allowed_vpc_endpoints (README,
// "Network binding"). A misspelt key is an error, not a warning: it would
// leave the sessions unbound without a word.
Result<NetworkBinding> ParseNetworkTable(const toml::node& node, const std::string& path,
                                         std::vector<std::string>* warnings) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return UsageError(fmt::format(
        "{}: \"network\" must be a table: [network] with allowed_ips = [\"203.0.113.0/24\"]",
        Where(path, node)));
  }
  NetworkBinding binding;
  binding.source = fmt::format("[network] in {}", path);
  for (const auto& [field_key, field] : *table) {
    const std::string name(field_key.str());
    const std::string qualified = "network." + name;
    using Check = Result<std::string> (*)(std::string_view, std::string_view);
    Check check = nullptr;
    std::vector<std::string>* target = nullptr;
    std::string_view example;
    if (name == "allowed_ips") {
      check = CheckAllowedIp;
      target = &binding.ips;
      example = "[\"203.0.113.0/24\", \"2001:db8::/32\"]";
    } else if (name == "allowed_vpcs") {
      check = CheckAllowedVpc;
      target = &binding.vpcs;
      example = "[\"vpc-0a1b2c3d\"]";
    } else if (name == "allowed_vpc_endpoints") {
      check = CheckAllowedVpcEndpoint;
      target = &binding.vpc_endpoints;
      example = "[\"vpce-0a1b2c3d4e5f60718\"]";
    } else {
      return UsageError(
          fmt::format("{}: unknown key \"{}\"; [network] has allowed_ips, allowed_vpcs and "
                      "allowed_vpc_endpoints",
                      Where(path, field), qualified));
    }
    auto list = RequireStringList(field, path, qualified, example);
    if (!list) return tl::unexpected(list.error());
    for (const std::string& entry : *list) {
      auto checked = check(entry, fmt::format("{}: key \"{}\"", Where(path, field), qualified));
      if (!checked) return tl::unexpected(checked.error());
      if (std::find(target->begin(), target->end(), *checked) == target->end()) {
        target->push_back(std::move(*checked));
      }
    }
  }
  if (binding.empty() && warnings != nullptr) {
    warnings->push_back(
        fmt::format("{}: [network] lists no address, VPC or VPC endpoint, so it binds nothing; add "
                    "allowed_ips = [...] or remove the table",
                    Where(path, node)));
  }
  return binding;
}

// A duration key (ttl, mcp_max_ttl): a string ParseTtl reads, its problem
// named with the file, line and key.
Result<std::chrono::seconds> RequireDuration(const toml::node& node, const std::string& path,
                                             std::string_view key, std::string_view example) {
  auto text_value = RequireString(node, path, key, example);
  if (!text_value) return tl::unexpected(text_value.error());
  auto duration = ParseTtl(*text_value);
  if (!duration) {
    return UsageError(
        fmt::format("{}: key \"{}\": {}", Where(path, node), key, duration.error().message));
  }
  return *duration;
}

}  // namespace

Result<UserConfig> ParseConfigToml(std::string_view text, const std::string& path,
                                   std::vector<std::string>* warnings) {
  auto root = ParseToml(text, path);
  if (!root) return tl::unexpected(root.error());
  UserConfig config;
  config.source = path;
  for (const auto& [key, node] : *root) {
    const std::string name(key.str());
    if (name == "provider") {
      auto text_value = RequireString(node, path, name, "\"aws\"");
      if (!text_value) return tl::unexpected(text_value.error());
      auto provider =
          ParseProviderOption(*text_value, fmt::format("{}: provider", Where(path, node)));
      if (!provider) return tl::unexpected(provider.error());
      config.provider = *provider;
    } else if (name == "ttl") {
      auto ttl = RequireDuration(node, path, name, "\"15m\"");
      if (!ttl) return tl::unexpected(ttl.error());
      config.ttl = *ttl;
    } else if (name == "mcp_max_ttl") {
      auto ttl = RequireDuration(node, path, name, "\"1h\"");
      if (!ttl) return tl::unexpected(ttl.error());
      config.mcp_max_ttl = *ttl;
    } else if (name == "mcp_allowed_commands") {
      auto list = RequireStringList(node, path, name, "[\"aws\", \"/usr/bin/terraform\"]");
      if (!list) return tl::unexpected(list.error());
      for (const std::string& entry : *list) {
        // A relative path would match whatever the agent's working
        // directory holds: only names (looked up in PATH) and absolute paths.
        if (entry.empty() || (entry.find('/') != std::string::npos && entry.front() != '/')) {
          return UsageError(fmt::format(
              "{}: key \"mcp_allowed_commands\": \"{}\" is neither a program name nor an "
              "absolute path; write a name like \"aws\" or a path like \"/usr/bin/aws\"",
              Where(path, node), entry));
        }
      }
      config.mcp_allowed_commands = std::move(*list);
    } else if (name == "policy_arns") {
      auto list = RequireStringList(node, path, name,
                                    "[\"arn:aws:iam::123456789012:policy/CompanyCeiling\"]");
      if (!list) return tl::unexpected(list.error());
      for (const std::string& arn : *list) {
        if (auto valid = ValidatePolicyArn(arn, fmt::format("{}: policy_arns", Where(path, node)));
            !valid) {
          return tl::unexpected(valid.error());
        }
      }
      config.policy_arns = std::move(*list);
    } else if (name == "mcp_allowed_roles") {
      auto list = RequireStringList(node, path, name, "[\"arn:aws:iam::123456789012:role/Dev\"]");
      if (!list) return tl::unexpected(list.error());
      config.mcp_allowed_roles = std::move(*list);
    } else if (name == "mcp_allowed_profiles") {
      auto list = RequireStringList(node, path, name, "[\"s3-read\"]");
      if (!list) return tl::unexpected(list.error());
      config.mcp_allowed_profiles = std::move(*list);
    } else if (name == "role_arn" || name == "region" || name == "model") {
      auto text_value = RequireString(node, path, name, "\"...\"");
      if (!text_value) return tl::unexpected(text_value.error());
      (name == "role_arn" ? config.role_arn
       : name == "region" ? config.region
                          : config.model) = *text_value;
    } else if (name == "serve" || name == "cache" || name == "sandbox") {
      const auto* flag = node.as_boolean();
      if (flag == nullptr) {
        return UsageError(
            fmt::format("{}: key \"{}\" must be true or false", Where(path, node), name));
      }
      (name == "serve"   ? config.serve
       : name == "cache" ? config.cache
                         : config.sandbox) = flag->get();
    } else if (name == "server_url" || name == "server_token") {
      auto text_value =
          RequireString(node, path, name,
                        name == "server_url" ? "\"https://audex.example.com\"" : "\"audex_...\"");
      if (!text_value) return tl::unexpected(text_value.error());
      if (name == "server_url") {
        config.server_url = *text_value;
      } else {
        config.server_token = SecretString(*text_value);
      }
    } else if (name == "gcp_service_account" || name == "gcp_project" ||
               name == "azure_subscription_id") {
      auto text_value = RequireString(node, path, name, "\"...\"");
      if (!text_value) return tl::unexpected(text_value.error());
      (name == "gcp_service_account" ? config.gcp_service_account
       : name == "gcp_project"       ? config.gcp_project
                                     : config.azure_subscription_id) = *text_value;
    } else if (name == "gcp_token_lifetime_extension") {
      const auto* flag = node.as_boolean();
      if (flag == nullptr) {
        return UsageError(fmt::format(
            "{}: key \"gcp_token_lifetime_extension\" must be true or false", Where(path, node)));
      }
      config.gcp_token_lifetime_extension = flag->get();
    } else if (name == "network") {
      auto network = ParseNetworkTable(node, path, warnings);
      if (!network) return tl::unexpected(network.error());
      if (!network->empty()) config.network = std::move(*network);
    } else if (warnings != nullptr) {
      // A misspelt key would otherwise surface later as a missing setting.
      static const std::vector<std::string> kKnown = {"provider",
                                                      "ttl",
                                                      "role_arn",
                                                      "region",
                                                      "serve",
                                                      "cache",
                                                      "sandbox",
                                                      "model",
                                                      "gcp_service_account",
                                                      "gcp_project",
                                                      "gcp_token_lifetime_extension",
                                                      "azure_subscription_id",
                                                      "mcp_allowed_commands",
                                                      "mcp_max_ttl",
                                                      "mcp_allowed_profiles",
                                                      "mcp_allowed_roles",
                                                      "policy_arns",
                                                      "server_url",
                                                      "server_token",
                                                      "network"};
      const std::string closest = ClosestName(name, kKnown);
      warnings->push_back(fmt::format("{}: unknown key \"{}\" ignored{}", Where(path, node), name,
                                      closest.empty() ? "" : " (did you mean " + closest + "?)"));
    }
  }
  return config;
}

Result<std::vector<Profile>> ParseProfilesToml(std::string_view text, const std::string& path) {
  auto root = ParseToml(text, path);
  if (!root) return tl::unexpected(root.error());
  std::vector<Profile> profiles;
  for (const auto& [key, node] : *root) {
    if (key.str() != "profiles") {
      return UsageError(
          fmt::format("{}: unexpected top-level key \"{}\"; profiles go in [profiles.NAME] tables",
                      Where(path, node), key.str()));
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return UsageError(fmt::format("{}: \"profiles\" must be a table of [profiles.NAME] tables",
                                    Where(path, node)));
    }
    // toml++ keeps keys sorted; profiles are listed in the file's order.
    std::vector<std::pair<std::string, const toml::node*>> in_file_order;
    for (const auto& [profile_key, profile_node] : *table) {
      in_file_order.emplace_back(std::string(profile_key.str()), &profile_node);
    }
    std::stable_sort(in_file_order.begin(), in_file_order.end(), [](const auto& a, const auto& b) {
      return a.second->source().begin.line < b.second->source().begin.line;
    });
    for (const auto& [name, profile_node_ptr] : in_file_order) {
      const toml::node& profile_node = *profile_node_ptr;
      const auto* fields = profile_node.as_table();
      if (fields == nullptr) {
        return UsageError(
            fmt::format("{}: profiles.{} must be a table with description, "
                        "actions and resources",
                        Where(path, profile_node), name));
      }
      CustomProfileFields profile_fields;
      profile_fields.name = name;
      profile_fields.source = path;
      profile_fields.table_at = Where(path, profile_node);
      bool has_actions = false;
      for (const auto& [field_key, field] : *fields) {
        const std::string field_name(field_key.str());
        const std::string qualified = fmt::format("profiles.{}.{}", name, field_name);
        if (field_name == "actions") {
          auto value = RequireString(field, path, qualified, "\"s3:GetObject,s3:ListBucket\"");
          if (!value) return tl::unexpected(value.error());
          profile_fields.actions = *value;
          profile_fields.actions_at = Where(path, field);
          has_actions = true;
        } else if (field_name == "description") {
          auto value = RequireString(field, path, qualified, "\"Read S3 objects\"");
          if (!value) return tl::unexpected(value.error());
          profile_fields.description = *value;
        } else if (field_name == "provider") {
          auto value = RequireString(field, path, qualified, "\"aws\"");
          if (!value) return tl::unexpected(value.error());
          profile_fields.provider = *value;
          profile_fields.provider_at = Where(path, field);
        } else if (field_name == "resources") {
          auto value = RequireStringList(field, path, qualified, "[\"arn:aws:s3:::bucket/*\"]");
          if (!value) return tl::unexpected(value.error());
          profile_fields.resources = *value;
          profile_fields.resources_at = Where(path, field);
        } else if (field_name == "policy_arns") {
          auto value = RequireStringList(field, path, qualified,
                                         "[\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]");
          if (!value) return tl::unexpected(value.error());
          for (const std::string& arn : *value) {
            if (auto valid =
                    ValidatePolicyArn(arn, fmt::format("{}: {}", Where(path, field), qualified));
                !valid) {
              return tl::unexpected(valid.error());
            }
          }
          profile_fields.policy_arns = *value;
        } else {
          return UsageError(
              fmt::format("{}: unknown key \"{}\"; a profile has description, actions, resources, "
                          "policy_arns and provider",
                          Where(path, field), qualified));
        }
      }
      if (!has_actions) {
        return UsageError(
            fmt::format("{}: profiles.{} has no \"actions\" key", Where(path, profile_node), name));
      }
      auto profile = MakeCustomProfile(std::move(profile_fields));
      if (!profile) return UsageError(profile.error().message);
      profiles.push_back(std::move(*profile));
    }
  }
  return profiles;
}

Result<DenyList> ParseDenyListToml(std::string_view text, const std::string& path) {
  auto root = ParseToml(text, path);
  if (!root) return tl::unexpected(root.error());
  std::vector<std::string> patterns;
  for (const auto& [key, node] : *root) {
    const auto* table = node.as_table();
    if (key.str() != "deny" || table == nullptr) {
      return UsageError(fmt::format("{}: unexpected key \"{}\"; write [deny] actions = [...]",
                                    Where(path, node), key.str()));
    }
    for (const auto& [field_key, field] : *table) {
      if (field_key.str() != "actions") {
        return UsageError(
            fmt::format("{}: unknown key \"deny.{}\"; the deny list has only "
                        "actions",
                        Where(path, field), field_key.str()));
      }
      auto value = RequireStringList(field, path, "deny.actions", "[\"iam:*\"]");
      if (!value) return tl::unexpected(value.error());
      patterns = std::move(*value);
    }
  }
  return MakeDenyList(std::move(patterns), path);
}

}  // namespace audex

namespace audex {

namespace {

std::string UserName(unsigned uid) {
  const passwd* entry = ::getpwuid(uid);
  return entry != nullptr ? fmt::format("uid {} ({})", uid, entry->pw_name)
                          : fmt::format("uid {}", uid);
}

// These files decide what sessions may do (a profile named s3-readonly can
// grant *:*, a deny list can be emptied), so whoever can write them holds
// every permission the role has. Only the user's own files (or root's,
// whom the user trusts anyway) that no one else may write are read.
Result<void> RefuseOthersFile(const std::filesystem::path& path, const OwnedFile& file) {
  const unsigned me = ::geteuid();
  if (file.owner_uid != me && file.owner_uid != 0) {
    return UsageError(fmt::format(
        "{} belongs to {}, not to you ({}): whoever owns it decides what Audex grants; if it "
        "is yours, chown {} {} (as root); otherwise remove it",
        path.string(), UserName(file.owner_uid), UserName(me), me, path.string()));
  }
  if ((file.mode & 022) != 0) {
    return UsageError(fmt::format(
        "{} can be written by {} (mode {:04o}): they could change what Audex grants; run chmod "
        "go-w {}",
        path.string(), (file.mode & 002) != 0 ? "every user" : "its group", file.mode,
        path.string()));
  }
  return {};
}

// Audex's own settings files: a file that cannot be read can also be
// avoided by pointing AUDEX_HOME elsewhere.
Result<std::optional<std::string>> ReadSettingsFile(const std::filesystem::path& path) {
  auto file = ReadOwnedFileIfPresent(path, ErrorKind::kUsage);
  if (!file) {
    return UsageError(file.error().message + " (or point AUDEX_HOME at another directory)");
  }
  if (!*file) return std::optional<std::string>();
  if (auto trusted = RefuseOthersFile(path, **file); !trusted) {
    return tl::unexpected(trusted.error());
  }
  return std::optional<std::string>(std::move((*file)->contents));
}

// The configuration directory: others who may write it without the sticky
// bit could delete deny-list.toml or config.toml's [network] unseen (the
// files' own checks cannot see a file that is gone); others who may read it
// (and the state directory) learn which roles and sessions there are.
Result<void> CheckSettingsDirectories(const AudexPaths& paths, std::vector<std::string>* warnings) {
  struct stat info {};
  if (::stat(paths.config_dir.c_str(), &info) == 0 && (info.st_mode & 022) != 0 &&
      (info.st_mode & S_ISVTX) == 0) {
    return UsageError(fmt::format(
        "{} can be written by {} (mode {:04o}): they could remove deny-list.toml or "
        "config.toml and widen what Audex grants; run chmod go-w {}",
        paths.config_dir.string(), (info.st_mode & 002) != 0 ? "every user" : "its group",
        info.st_mode & 07777, paths.config_dir.string()));
  }
  if (warnings == nullptr) return {};
  std::vector<std::filesystem::path> directories = {paths.config_dir};
  if (paths.state_dir != paths.config_dir) directories.push_back(paths.state_dir);
  for (const std::filesystem::path& directory : directories) {
    if (::stat(directory.c_str(), &info) != 0 || (info.st_mode & S_IROTH) == 0) continue;
    warnings->push_back(fmt::format(
        "{} can be read by every user (mode {:04o}), who can see your roles, profiles and "
        "sessions; run chmod 700 {}",
        directory.string(), info.st_mode & 07777, directory.string()));
  }
  return {};
}

}  // namespace

Result<LoadedConfiguration> LoadConfiguration(const AudexPaths& paths,
                                              std::vector<std::string>* warnings) {
  LoadedConfiguration loaded{UserConfig{}, ProfileCatalog{},
                             DenyList{{}, paths.DenyListFile().string()}};
  if (auto checked = CheckSettingsDirectories(paths, warnings); !checked) {
    return tl::unexpected(checked.error());
  }
  auto config_text = ReadSettingsFile(paths.ConfigFile());
  if (!config_text) return tl::unexpected(config_text.error());
  if (*config_text) {
    auto config = ParseConfigToml(**config_text, paths.ConfigFile().string(), warnings);
    if (!config) return tl::unexpected(config.error());
    loaded.config = std::move(*config);
  }
  auto profiles_text = ReadSettingsFile(paths.ProfilesFile());
  if (!profiles_text) return tl::unexpected(profiles_text.error());
  if (*profiles_text) {
    auto profiles = ParseProfilesToml(**profiles_text, paths.ProfilesFile().string());
    if (!profiles) return tl::unexpected(profiles.error());
    loaded.profiles = ProfileCatalog(std::move(*profiles));
  }
  auto deny_text = ReadSettingsFile(paths.DenyListFile());
  if (!deny_text) return tl::unexpected(deny_text.error());
  if (*deny_text) {
    auto deny = ParseDenyListToml(**deny_text, paths.DenyListFile().string());
    if (!deny) return tl::unexpected(deny.error());
    loaded.deny = std::move(*deny);
  }
  return loaded;
}

}  // namespace audex

// The shared field readers (toml_fields.h) are the ones above.
namespace audex {

Result<toml::table> ParseTomlText(std::string_view text, const std::string& path) {
  return ParseToml(text, path);
}

std::string TomlWhere(const std::string& path, const toml::node& node) { return Where(path, node); }

Result<std::string> TomlString(const toml::node& node, const std::string& path,
                               std::string_view key, std::string_view example) {
  return RequireString(node, path, key, example);
}

Result<std::vector<std::string>> TomlStringList(const toml::node& node, const std::string& path,
                                                std::string_view key, std::string_view example) {
  return RequireStringList(node, path, key, example);
}

Result<void> ReadTomlString(const toml::node& node, const std::string& path, std::string_view key,
                            std::string_view example, std::string& out) {
  auto value = RequireString(node, path, key, example);
  if (!value) return tl::unexpected(value.error());
  out = std::move(*value);
  return {};
}

Result<void> ReadTomlString(const toml::node& node, const std::string& path, std::string_view key,
                            std::string_view example, std::optional<std::string>& out) {
  std::string value;
  if (auto read = ReadTomlString(node, path, key, example, value); !read) return read;
  out = std::move(value);
  return {};
}

}  // namespace audex
