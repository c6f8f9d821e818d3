// AWS credentials: long-lived base keys found on the machine, or temporary
// ones issued by STS for one session.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/base/secret.h"

namespace audex {

struct AwsCredentials {
  std::string access_key_id;  // an identifier, not a secret: may be logged and audited
  SecretString secret_access_key;
  SecretString session_token;  // empty for long-lived keys
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from, for messages ("environment", "profile default in
  // ~/.aws/credentials", "sts:AssumeRole"); never the values.
  std::string source;
};

}  // namespace audex
