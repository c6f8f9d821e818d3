// What an STS failure means for the user: error codes turned into messages
// that say what to fix, and replies classified for the retry policy.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/sts_xml.h"
#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/base/secret.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

// The call an error came from, for messages. Identifiers only: never a
// secret key or a token.
// IAM shares STS's Query protocol and error documents, so its calls are
// described by the same context with service "iam".
struct StsCallContext {
  std::string service = "sts";  // the IAM prefix of the call: "sts" or "iam"
  std::string operation;        // "AssumeRole", "GetCallerIdentity", "GetRole", ...
  std::string endpoint;
  std::string region;
  std::string role_arn;             // AssumeRole; for IAM the role or policy read
  std::chrono::seconds duration{};  // AssumeRole only
  std::string access_key_id;        // of the base credentials
  std::string credentials_source;   // "environment", "profile dev in ...", ...
  bool base_is_temporary = false;   // base credentials carry a session token
};

// "sts:AssumeRole of ROLE at ENDPOINT (access key AKIA... from SOURCE)"
// (or "iam:GetRole of ..."): how every STS and IAM error message starts.
std::string DescribeStsCall(const StsCallContext& context);

// Throttling as AWS services spell it (Throttling is STS's own code).
bool IsThrottlingCode(std::string_view code);

// How one HTTP exchange with STS ended, for the retry policy: 2xx success;
// connection failures and timeouts; 5xx; 429 or a throttling code
// (STS throttles with HTTP 400 and Code Throttling); other 4xx; TLS and
// other failures are permanent.
AttemptOutcome ClassifyStsAttempt(const HttpResult& result);

// The kCredentials error for an STS error reply: the code, the server's
// message when it gave one, and what to do about it; `attempts` is said
// when more than one was made. `secrets` (what the request carried: the
// session token) are taken out of the quoted code and message before they
// are cut to length, so that a reply echoing one leaves no piece of it.
Error DescribeStsError(const StsErrorReply& reply, int http_status, const StsCallContext& context,
                       int attempts = 1, const std::vector<const SecretString*>& secrets = {});

// The kCredentials error for any failed attempt (no response, an error
// reply, or a reply that is not an STS document), after `attempts` tries.
Error DescribeStsFailure(const HttpResult& result, int attempts, const StsCallContext& context,
                         const std::vector<const SecretString*>& secrets = {});

// True for AssumeRole's refusal of session tags: AccessDenied naming
// sts:TagSession, which the role's trust policy must allow (IAM User Guide,
// "Permissions required to add session tags").
bool RefusedSessionTags(const Error& error);

// `text` with every occurrence of the credentials' secret key and session
// token replaced by "****": a last guard on messages that quote a server.
std::string RedactSecrets(std::string text, const AwsCredentials& credentials);

}  // namespace audex
