// STS error codes mapped to advice. The codes and their causes are those of
// the STS API reference and cloud-facts.md ("AWS STS AssumeRole", Errors).
#include "adapters/aws/sts_errors.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "core/base/secret.h"

namespace audex {
namespace {

constexpr size_t kMaxServerMessage = 400;

// The server's message on one line and bounded, since it ends up in a
// terminal and an audit record.
std::string OneLine(std::string_view text) {
  std::string line;
  for (const char c : text.substr(0, kMaxServerMessage)) {
    line.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  if (text.size() > kMaxServerMessage) line += "...";
  return line;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The permissions `tryaudex drift` needs to read a role (README, "drift").
constexpr std::string_view kIamReadActions =
    "iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, "
    "iam:GetPolicy and iam:GetPolicyVersion";

std::string IamAdvice(const StsErrorReply& reply, int http_status, const StsCallContext& context) {
  const std::string& code = reply.code;
  const bool writes =
      context.operation == "PutRolePolicy" || context.operation == "DeleteRolePolicy";
  if ((code == "AccessDenied" || code == "AccessDeniedException") && writes) {
    // Revocation (docs/team-mode.md, "Revocation"): the Deny goes on the
    // role as an inline policy, and comes off once its sessions expired.
    return fmt::format(
        "the base credentials from {} lack iam:{} on the role {}; revoking sessions needs "
        "iam:PutRolePolicy and iam:DeleteRolePolicy (and iam:ListRolePolicies, "
        "iam:GetRolePolicy) on that role: grant them to these credentials",
        context.credentials_source, context.operation, context.role_arn);
  }
  if (code == "AccessDenied" || code == "AccessDeniedException") {
    return fmt::format(
        "the base credentials from {} may not call iam:{}; reading a role needs {} on the role "
        "and its policies (the AWS-managed IAMReadOnlyAccess policy has them): grant them, or "
        "use credentials that have them (AWS_PROFILE)",
        context.credentials_source, context.operation, kIamReadActions);
  }
  if (code == "NoSuchEntity") {
    if (context.operation == "GetRole") {
      return fmt::format(
          "no such role in the account these credentials belong to; check --role-arn ({}): the "
          "account and the name after role/",
          context.role_arn);
    }
    return "the policy or its default version is gone (changed while being read?); try again";
  }
  if (code == "ExpiredToken") {
    return fmt::format("the base credentials from {} have expired; refresh them and try again",
                       context.credentials_source);
  }
  if (code == "InvalidClientTokenId") {
    return "IAM does not know this access key; check that the key is right and active";
  }
  if (code == "SignatureDoesNotMatch") {
    return fmt::format(
        "the secret access key from {} does not belong to this access key; check "
        "AWS_SECRET_ACCESS_KEY or aws_secret_access_key in that profile",
        context.credentials_source);
  }
  if (IsThrottlingCode(code)) {
    return "IAM kept throttling the request after the bounded retries; wait a little and try "
           "again";
  }
  if (http_status >= 500) return "the IAM service failed on its side; try again later";
  return fmt::format("IAM {} refused the request", context.operation);
}

std::string Advice(const StsErrorReply& reply, int http_status, const StsCallContext& context) {
  if (context.service == "iam") return IamAdvice(reply, http_status, context);
  const std::string& code = reply.code;
  if (code == "AccessDenied") {
    if (context.operation == "AssumeRole" && Contains(reply.message, "sts:TagSession")) {
      return "the role's trust policy does not allow sts:TagSession for this principal, which "
             "session tags (--tag-session) need; add it to the trust policy";
    }
    if (context.operation == "AssumeRole") {
      return "these credentials may not assume the role: its trust policy must allow this "
             "principal sts:AssumeRole (and sts:SetSourceIdentity when --source-identity is "
             "given), and the principal's own policies must allow sts:AssumeRole on it; check "
             "--role-arn, AUDEX_ROLE_ARN or role_arn in config.toml";
    }
    return fmt::format("these credentials may not call sts:{}", context.operation);
  }
  if (code == "MalformedPolicyDocument") {
    return "STS rejected the session policy Audex built; run the same command with --dry-run to "
           "see it, and check the action names and resource ARNs (please report it if they are "
           "right)";
  }
  if (code == "PackedPolicyTooLarge") {
    return "the session policy is over AWS's packed size limit; request fewer actions or "
           "resources, or use wildcards (s3:Get*) or a profile to shorten it";
  }
  if (code == "ValidationError") {
    if (Contains(reply.message, "role chaining")) {
      return fmt::format(
          "the base credentials ({}) are temporary, and AWS caps a session assumed with "
          "temporary credentials (role chaining) at 1 hour; use --ttl 1h or less, or start from "
          "long-term credentials",
          context.credentials_source);
    }
    if (Contains(reply.message, "MaxSessionDuration") ||
        Contains(reply.message, "DurationSeconds")) {
      return fmt::format(
          "the TTL ({} s) is above the role's maximum session duration; use a shorter --ttl, or "
          "raise the role's limit (aws iam update-role --max-session-duration, at most 43200)",
          context.duration.count());
    }
    return "STS rejected a parameter of the request; check --role-arn and --source-identity";
  }
  if (code == "InvalidArgument") {
    // radosgw answers an out-of-range DurationSeconds this way, with an
    // empty Message (testbed.md).
    return fmt::format(
        "the server rejected a parameter; radosgw does so for a TTL ({} s) outside 900 s to the "
        "role's maximum session duration, so check --ttl against the role",
        context.duration.count());
  }
  if (code == "ExpiredToken") {
    return fmt::format(
        "the base credentials from {} have expired; refresh them (a new session token, aws sso "
        "login, or your credential_process) and try again",
        context.credentials_source);
  }
  if (code == "InvalidClientTokenId") {
    return "STS does not know this access key; check that the key is right and active, and "
           "that the region and endpoint belong to the key's account and partition";
  }
  if (code == "SignatureDoesNotMatch") {
    return fmt::format(
        "the secret access key from {} does not belong to this access key; check "
        "AWS_SECRET_ACCESS_KEY or aws_secret_access_key in that profile",
        context.credentials_source);
  }
  if (code == "RequestExpired") {
    return "STS saw a request signed more than 15 minutes away from its own clock; this "
           "machine's clock is wrong: fix it (enable NTP) and try again";
  }
  if (code == "RegionDisabledException") {
    return fmt::format(
        "STS is not activated in region {} for this account; activate it (IAM console, Account "
        "settings) or choose another region with --region or AWS_REGION",
        context.region);
  }
  if (IsThrottlingCode(code)) {
    return "STS kept throttling the request after the bounded retries; wait a little and try "
           "again";
  }
  if (http_status >= 500) {
    return "the STS service failed on its side; try again later";
  }
  return fmt::format("STS {} refused the request", context.operation);
}

std::string Tries(int attempts) {
  return attempts > 1 ? fmt::format(" after {} attempts", attempts) : std::string();
}

}  // namespace

std::string DescribeStsCall(const StsCallContext& context) {
  const std::string role =
      context.role_arn.empty() ? std::string() : fmt::format(" of {}", context.role_arn);
  return fmt::format("{}:{}{} at {} (access key {} from {})", context.service, context.operation,
                     role, context.endpoint, context.access_key_id, context.credentials_source);
}

bool IsThrottlingCode(std::string_view code) {
  static constexpr std::array<std::string_view, 7> kCodes = {
      "Throttling",       "ThrottlingException",      "ThrottledException",
      "RequestThrottled", "TooManyRequestsException", "RequestLimitExceeded",
      "SlowDown"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

AttemptOutcome ClassifyStsAttempt(const HttpResult& result) {
  const AttemptOutcome outcome = ClassifyHttpResult(result);
  // STS also throttles with a 400 and an error code.
  if (outcome == AttemptOutcome::kClientError) {
    if (const auto reply = ParseStsErrorReply(result->body);
        reply && IsThrottlingCode(reply->code)) {
      return AttemptOutcome::kThrottled;
    }
  }
  return outcome;
}

Error DescribeStsError(const StsErrorReply& reply, int http_status, const StsCallContext& context,
                       int attempts, const std::vector<const SecretString*>& secrets) {
  // Redacted before OneLine cuts them: a cut through an echoed token would
  // leave its beginning where no whole token is left to find.
  const std::string message = RedactSecrets(reply.message, secrets, false);
  const std::string server_message =
      message.empty() ? std::string() : fmt::format(" ({})", OneLine(message));
  return Error{ErrorKind::kCredentials,
               fmt::format("{} failed{} with {}{}: {}", DescribeStsCall(context), Tries(attempts),
                           OneLine(RedactSecrets(reply.code, secrets, false)), server_message,
                           Advice(reply, http_status, context))};
}

Error DescribeStsFailure(const HttpResult& result, int attempts, const StsCallContext& context,
                         const std::vector<const SecretString*>& secrets) {
  const std::string tries = Tries(attempts);
  if (!result) {
    const std::string_view hint =
        result.error().kind == HttpFailureKind::kTls
            ? "check the endpoint's certificate (AWS_CA_BUNDLE for a private CA)"
        : context.service == "iam"
            ? "check the network and AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL"
            : "check the network, AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and the region";
    return Error{
        ErrorKind::kCredentials,
        fmt::format("{} failed{}: {} {}; {}", DescribeStsCall(context), tries,
                    HttpFailureKindName(result.error().kind), result.error().message, hint)};
  }
  if (const auto reply = ParseStsErrorReply(result->body)) {
    return DescribeStsError(*reply, result->status, context, attempts, secrets);
  }
  const bool iam = context.service == "iam";
  return Error{
      ErrorKind::kCredentials,
      fmt::format("{} failed{}: HTTP {} without an {} error document; is the "
                  "endpoint an {} service ({}, AWS_ENDPOINT_URL)?",
                  DescribeStsCall(context), tries, result->status, iam ? "IAM" : "STS",
                  iam ? "IAM" : "STS", iam ? "AWS_ENDPOINT_URL_IAM" : "AWS_ENDPOINT_URL_STS")};
}

bool RefusedSessionTags(const Error& error) {
  return error.kind == ErrorKind::kCredentials && Contains(error.message, " with AccessDenied") &&
         Contains(error.message, "sts:TagSession");
}

std::string RedactSecrets(std::string text, const AwsCredentials& credentials) {
  return RedactSecrets(std::move(text),
                       {&credentials.secret_access_key, &credentials.session_token}, false);
}

}  // namespace audex
