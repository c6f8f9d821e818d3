// STS replies read from XML: the AssumeRole and GetCallerIdentity results
// and the error documents of AWS, moto and Ceph radosgw. Pure functions of
// the reply text, apart from the network so they can be fuzzed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

// What sts:AssumeRole issued.
struct AssumedRole {
  AwsCredentials credentials;   // expiration always set
  std::string assumed_role_id;  // "AROA...:session-name"
  std::string arn;              // "arn:aws:sts::123456789012:assumed-role/dev/session-name"
  // Percent of AWS's packed-policy limit the session policy used; AWS sends
  // it, moto and radosgw do not.
  std::optional<int> packed_policy_size;
  std::optional<std::string> source_identity;
};

// What sts:GetCallerIdentity says about the credentials that signed it.
struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

// An STS error document, whichever of the three shapes it came in:
// <ErrorResponse><Error> (AWS, with or without xmlns), moto's
// <ErrorResponse><Errors><Error>, and radosgw's bare <Error> whose Message
// may be empty.
struct StsErrorReply {
  std::string code;
  std::string message;  // as the server wrote it; may be empty
  std::string type;     // "Sender" or "Receiver" when given
  std::string request_id;
};

// Parses a successful AssumeRole reply. Errors (kCredentials) describe what
// is missing or malformed and never quote the reply, which holds secrets.
// `source` becomes credentials.source.
Result<AssumedRole> ParseAssumeRoleReply(std::string_view xml, std::string source);

// What sts:GetScopedCredentials issued: credentials for the caller's own
// session, narrowed by the scope-down policy. The API reference
// (API_GetScopedCredentials) also returns ScopedSession/{Arn,
// ScopedSessionId}; both are kept when present.
struct ScopedCredentials {
  AwsCredentials credentials;  // expiration always set
  std::string arn;
  std::string scoped_session_id;
};

// Parses GetScopedCredentialsResponse/GetScopedCredentialsResult. Errors
// as for ParseAssumeRoleReply.
Result<ScopedCredentials> ParseGetScopedCredentialsReply(std::string_view xml, std::string source);

// Parses a successful GetCallerIdentity reply (kCredentials on failure).
Result<CallerIdentity> ParseCallerIdentityReply(std::string_view xml);

// The error in an STS error document, or nullopt when `xml` is not one
// (not XML, or no Error element with a Code).
std::optional<StsErrorReply> ParseStsErrorReply(std::string_view xml);

}  // namespace audex
