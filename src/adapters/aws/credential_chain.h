// The base credentials Audex starts from, found in the order the AWS SDKs
// use: the environment, then the selected profile in ~/.aws/credentials,
// then its credential_process or static keys in ~/.aws/config.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "adapters/aws/credential_process.h"
#include "adapters/config/paths.h"
#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

// The shared files and the profile the chain reads, as the SDKs pick them.
struct AwsSharedFiles {
  std::string profile;                // AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default"
  bool profile_chosen = false;        // named by a variable rather than the default
  std::filesystem::path credentials;  // AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
  std::filesystem::path config;       // AWS_CONFIG_FILE or ~/.aws/config
};

AwsSharedFiles ResolveAwsSharedFiles(const EnvLookup& env);

// The `region` of the selected profile in the config file, if any (for
// ResolveRegion); nullopt when the file or the setting is absent or the file
// cannot be parsed.
std::optional<std::string> AwsProfileRegion(const AwsSharedFiles& files);

struct CredentialChainOptions {
  // Runs a credential_process; unset, RunCredentialProcess with `environment`.
  CredentialProcessRunner run_process;
  // What a credential_process runs with: World::environment, the snapshot
  // Audex started with (its own environment has had its secrets erased).
  Environment environment;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// The real chain's options: credential_process runs with `environment`.
CredentialChainOptions ChainOptionsFor(const Environment& environment);

// Finds base credentials:
//  1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+
//     AWS_SESSION_TOKEN, or the older AWS_SECURITY_TOKEN;
//     AWS_CREDENTIAL_EXPIRATION when set);
//  2. [PROFILE] in the credentials file: aws_access_key_id,
//     aws_secret_access_key, aws_session_token;
//  3. [profile PROFILE] (or [default]) in the config file: credential_process;
//  4. the same config section: static keys.
// `source` says which ("environment", "profile dev in /home/u/.aws/credentials",
// "credential_process of profile dev in /home/u/.aws/config"). Errors are
// kCredentials: half a key pair, a profile named by AWS_PROFILE that exists
// nowhere, a profile that needs what Audex cannot do (role_arn, SSO), an
// unreadable file, or nothing found, listing every place looked. No message
// ever holds a secret key or token.
Result<AwsCredentials> ResolveBaseCredentials(const EnvLookup& env,
                                              const CredentialChainOptions& options = {});

}  // namespace audex
