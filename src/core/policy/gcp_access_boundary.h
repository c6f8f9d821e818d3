// Credential Access Boundaries: the only way GCP narrows an access token
// per permission (Cloud Storage only). A boundary holds at most 10 rules;
// each names one bucket and the predefined roles whose permissions stay
// available on it. The token is exchanged for a narrowed one at the STS
// token endpoint (RFC 8693) with the boundary in `options`
// (cloud.google.com/iam/docs/downscoping-short-lived-credentials).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

inline constexpr size_t kMaxAccessBoundaryRules = 10;
inline constexpr std::string_view kBucketResourcePrefix =
    "//storage.googleapis.com/projects/_/buckets/";

// Accepts "//storage.googleapis.com/projects/_/buckets/NAME" or "gs://NAME"
// and returns the full resource name. Bucket names are 3..63 characters
// (222 with dots) of a-z 0-9 - _ . and begin and end with a letter or digit.
// Errors are kPolicy and name `where`.
Result<std::string> ParseBucketResource(std::string_view text, std::string_view where);

// {"accessBoundary":{"accessBoundaryRules":[{"availablePermissions":
// ["inRole:roles/..."],"availableResource":"//storage..."}, ...]}}, one rule
// per bucket with every role. Errors (kPolicy) for no bucket or more than 10.
Result<std::string> AccessBoundaryJson(const std::vector<std::string>& buckets,
                                       const std::vector<std::string>& roles);

// The form body of the token exchange: grant_type token-exchange, the
// access token as subject_token, requested and subject token types
// access_token, and `options` = the percent-encoded boundary JSON (Google's
// client libraries encode it once more as part of the form; so does this).
std::string TokenExchangeBody(std::string_view subject_token, std::string_view boundary_json);

}  // namespace audex
