// The child's side of Audex's forwarding endpoint (README, "Forwarding
// endpoint"): the variables that send its AWS calls through the endpoint
// (learn and run --broker), and under --broker the placeholder credentials
// it signs them with instead of the session's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

// How many random bytes PlaceholderCredentialsFrom takes: 8 for the access
// key id, 30 for the secret.
inline constexpr size_t kPlaceholderRandomBytes = 38;

// Placeholder credentials for a --broker child: access key id "AUDX" and 16
// upper-case hex digits (an access key id's length and alphabet, so SDKs
// accept it), a 60-hex-digit secret, no session token. They sign requests
// to the endpoint and work nowhere else. kState when `random` is not
// kPlaceholderRandomBytes long.
Result<AwsCredentials> PlaceholderCredentialsFrom(std::string_view random);

// `child` (already scrubbed, holding the credentials it should sign with)
// plus AWS_ENDPOINT_URL=`url`, minus every AWS_ENDPOINT_URL_<SERVICE> and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, which would send calls around the
// endpoint.
Environment WithForwardingEndpoint(Environment child, const std::string& url);

// The --broker child's environment: `usual` (the session's, as
// ComputeAwsChildEnvironment made it) with the placeholder keys in place of
// the session's, no session token or expiry, the endpoint's URL, and no
// AWS_CSM_ENABLED (client-side monitoring would report the placeholder
// key; the endpoint sees every call anyway).
Environment BrokeredChildEnvironment(const Environment& usual, const AwsCredentials& placeholder,
                                     const std::string& url);

// The names of the --broker child's variables, for the plan: `usual`
// without the session token and expiry, plus AWS_ENDPOINT_URL.
std::vector<std::string> BrokeredChildVariableNames(const std::vector<std::string>& usual);

}  // namespace audex
