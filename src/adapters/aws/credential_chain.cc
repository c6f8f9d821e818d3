// The base-credential chain, following botocore's provider order (env,
// shared-credentials-file, custom-process, config-file) for what Audex
// supports.
#include "adapters/aws/credential_chain.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "adapters/config/ini_file.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"

namespace audex {
namespace {

std::optional<std::string> NonEmpty(const EnvLookup& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// A shared file: absent (nullopt), or parsed; an unreadable or malformed
// file is an error, since silently skipping it would pick other credentials.
Result<std::optional<IniFile>> LoadIni(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<IniFile>();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return CredentialsError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = ParseIni(text.str(), path.string());
  if (!parsed) return CredentialsError(parsed.error().message + "; fix the file or move it aside");
  return std::optional<IniFile>(std::move(*parsed));
}

// Static keys from a section; nullopt when it has neither key; an error for
// half a pair.
Result<std::optional<AwsCredentials>> StaticKeys(const IniSection& section,
                                                 const std::string& source) {
  const auto access_key = section.Get("aws_access_key_id");
  const auto secret_key = section.Get("aws_secret_access_key");
  const bool has_access = access_key && !access_key->empty();
  const bool has_secret = secret_key && !secret_key->empty();
  if (!has_access && !has_secret) return std::optional<AwsCredentials>();
  if (!has_access || !has_secret) {
    return CredentialsError(
        fmt::format("{} has {} but no {}; add the missing key", source,
                    has_access ? "aws_access_key_id" : "aws_secret_access_key",
                    has_access ? "aws_secret_access_key" : "aws_access_key_id"));
  }
  AwsCredentials credentials;
  credentials.access_key_id = *access_key;
  credentials.secret_access_key = SecretString(*secret_key);
  credentials.session_token = SecretString(
      section.Get("aws_session_token").value_or(section.Get("aws_security_token").value_or("")));
  credentials.source = source;
  return std::optional<AwsCredentials>(std::move(credentials));
}

// The config-file section of a profile: [profile NAME], and for "default"
// also plain [default] (botocore accepts both).
const IniSection* ConfigSection(const IniFile& config, const std::string& profile) {
  if (const IniSection* section = config.Find("profile " + profile)) return section;
  if (profile == "default") return config.Find("default");
  return nullptr;
}

}  // namespace

AwsSharedFiles ResolveAwsSharedFiles(const EnvLookup& env) {
  AwsSharedFiles files;
  const std::filesystem::path home = NonEmpty(env, "HOME").value_or("/");
  if (auto profile = NonEmpty(env, "AWS_PROFILE")) {
    files.profile = std::move(*profile);
    files.profile_chosen = true;
  } else if (auto legacy = NonEmpty(env, "AWS_DEFAULT_PROFILE")) {
    files.profile = std::move(*legacy);
    files.profile_chosen = true;
  } else {
    files.profile = "default";
  }
  files.credentials = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE")
                          .value_or((home / ".aws" / "credentials").string());
  files.config = NonEmpty(env, "AWS_CONFIG_FILE").value_or((home / ".aws" / "config").string());
  return files;
}

std::optional<std::string> AwsProfileRegion(const AwsSharedFiles& files) {
  const auto config = LoadIni(files.config);
  if (!config || !*config) return std::nullopt;
  const IniSection* section = ConfigSection(**config, files.profile);
  if (section == nullptr) return std::nullopt;
  auto region = section->Get("region");
  if (region && region->empty()) return std::nullopt;
  return region;
}

CredentialChainOptions ChainOptionsFor(const Environment& environment) {
  CredentialChainOptions options;
  options.environment = environment;
  return options;
}

Result<AwsCredentials> ResolveBaseCredentials(const EnvLookup& env,
                                              const CredentialChainOptions& options) {
  std::vector<std::string> looked;

  // 1. Environment.
  const auto access_key = NonEmpty(env, "AWS_ACCESS_KEY_ID");
  const auto secret_key = NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (access_key && secret_key) {
    AwsCredentials credentials;
    credentials.access_key_id = *access_key;
    credentials.secret_access_key = SecretString(*secret_key);
    credentials.session_token =
        SecretString(NonEmpty(env, "AWS_SESSION_TOKEN")
                         .value_or(NonEmpty(env, "AWS_SECURITY_TOKEN").value_or("")));
    if (const auto expiration = NonEmpty(env, "AWS_CREDENTIAL_EXPIRATION")) {
      credentials.expiration = ParseRfc3339(*expiration);
    }
    credentials.source = "environment";
    return credentials;
  }
  if (access_key || secret_key) {
    return CredentialsError(
        fmt::format("{} is set but {} is not; set both (or unset both to use a profile)",
                    access_key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                    access_key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
  }
  looked.push_back("environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): not set");

  const AwsSharedFiles files = ResolveAwsSharedFiles(env);
  const std::string profile_label = fmt::format("profile {}", files.profile);

  // 2. The credentials file.
  auto credentials_file = LoadIni(files.credentials);
  if (!credentials_file) return tl::unexpected(credentials_file.error());
  const IniSection* credentials_section =
      *credentials_file ? (*credentials_file)->Find(files.profile) : nullptr;
  const std::string credentials_source =
      fmt::format("{} in {}", profile_label, files.credentials.string());
  if (credentials_section != nullptr) {
    auto keys = StaticKeys(*credentials_section, credentials_source);
    if (!keys) return tl::unexpected(keys.error());
    if (*keys) return std::move(**keys);
    looked.push_back(credentials_source + ": no aws_access_key_id");
  } else {
    looked.push_back(fmt::format("{}: {}", credentials_source,
                                 *credentials_file ? "no such section" : "no such file"));
  }

  // 3 and 4. The config file.
  auto config_file = LoadIni(files.config);
  if (!config_file) return tl::unexpected(config_file.error());
  const IniSection* config_section =
      *config_file ? ConfigSection(**config_file, files.profile) : nullptr;
  const std::string config_source = fmt::format("{} in {}", profile_label, files.config.string());
  if (config_section != nullptr) {
    if (const auto command = config_section->Get("credential_process");
        command && !command->empty()) {
      const std::string label = "credential_process of " + config_source;
      auto output = options.run_process
                        ? options.run_process(*command, label)
                        : RunCredentialProcess(*command, label, options.environment);
      if (!output) return tl::unexpected(output.error());
      return ParseCredentialProcessOutput(*output, label, options.now);
    }
    auto keys = StaticKeys(*config_section, config_source);
    if (!keys) return tl::unexpected(keys.error());
    if (*keys) return std::move(**keys);
    // Profiles Audex cannot turn into credentials on its own.
    for (const char* setting :
         {"role_arn", "sso_session", "sso_start_url", "web_identity_token_file"}) {
      if (config_section->Get(setting)) {
        return CredentialsError(fmt::format(
            "{} uses {}, which Audex cannot resolve yet; export base credentials instead, e.g. "
            "eval \"$(aws configure export-credentials --profile {} --format env)\"",
            config_source, setting, files.profile));
      }
    }
    looked.push_back(config_source + ": no credential_process or aws_access_key_id");
  } else {
    looked.push_back(
        fmt::format("{}: {}", config_source, *config_file ? "no such section" : "no such file"));
  }

  if (files.profile_chosen && credentials_section == nullptr && config_section == nullptr) {
    return CredentialsError(fmt::format(
        "the AWS profile \"{}\" (from AWS_PROFILE or AWS_DEFAULT_PROFILE) is in neither {} nor "
        "{}; check the name (aws configure list-profiles)",
        files.profile, files.credentials.string(), files.config.string()));
  }
  return CredentialsError(fmt::format(
      "no AWS credentials found; looked in: {}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
      "or configure a profile (aws configure) and select it with AWS_PROFILE",
      Join(looked, "; ")));
}

}  // namespace audex
