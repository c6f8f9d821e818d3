// STS error codes turned into advice, and replies classified for retrying.
#include "adapters/aws/sts_errors.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

StsCallContext Context() {
  StsCallContext context;
  context.operation = "AssumeRole";
  context.endpoint = "https://sts.eu-west-1.amazonaws.com";
  context.region = "eu-west-1";
  context.role_arn = "arn:aws:iam::123456789012:role/dev";
  context.duration = std::chrono::seconds(7200);
  context.access_key_id = "AKIAEXAMPLE";
  context.credentials_source = "profile dev in /home/u/.aws/credentials";
  return context;
}

std::string Describe(const std::string& code, const std::string& message = "", int status = 400) {
  const Error error =
      DescribeStsError(StsErrorReply{code, message, "Sender", ""}, status, Context());
  EXPECT_EQ(error.kind, ErrorKind::kCredentials);
  return error.message;
}

void ExpectAll(const std::string& text, std::initializer_list<const char*> parts) {
  for (const char* part : parts)
    EXPECT_NE(text.find(part), std::string::npos) << part << " in " << text;
}

TEST(StsErrors, EveryMessageSaysWhichCallAndKey) {
  ExpectAll(Describe("AccessDenied", "not authorized"),
            {"sts:AssumeRole of arn:aws:iam::123456789012:role/dev",
             "https://sts.eu-west-1.amazonaws.com", "AKIAEXAMPLE",
             "profile dev in /home/u/.aws/credentials", "AccessDenied (not authorized)"});
}

TEST(StsErrors, AdvicePerCode) {
  ExpectAll(Describe("AccessDenied"), {"trust policy", "sts:AssumeRole", "--role-arn"});
  ExpectAll(Describe("MalformedPolicyDocument", "Syntax errors"), {"--dry-run", "Syntax errors"});
  ExpectAll(Describe("PackedPolicyTooLarge"), {"fewer actions", "wildcards"});
  ExpectAll(Describe("ValidationError",
                     "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                     "assumed by role chaining."),
            {"temporary", "1 hour", "--ttl 1h"});
  ExpectAll(Describe("ValidationError",
                     "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                     "role."),
            {"7200 s", "maximum session duration", "--max-session-duration"});
  ExpectAll(Describe("ValidationError", "1 validation error detected"), {"parameter"});
  ExpectAll(Describe("InvalidArgument"), {"7200 s", "900 s", "--ttl"});
  ExpectAll(Describe("ExpiredToken"), {"expired", "profile dev", "refresh"});
  ExpectAll(Describe("InvalidClientTokenId"), {"does not know this access key", "region"});
  ExpectAll(Describe("SignatureDoesNotMatch"),
            {"secret access key", "AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"});
  ExpectAll(Describe("RequestExpired"), {"clock", "15 minutes", "NTP"});
  ExpectAll(Describe("RegionDisabledException"), {"eu-west-1", "activate", "--region"});
  ExpectAll(Describe("Throttling"), {"throttling", "try"});
  ExpectAll(Describe("ThrottlingException"), {"throttling"});
  ExpectAll(Describe("InternalFailure", "", 500), {"on its side"});
  ExpectAll(Describe("BrandNewCode", "new"), {"BrandNewCode (new)", "refused"});
}

TEST(StsErrors, EmptyServerMessageIsLeftOut) {
  const std::string text = Describe("InvalidArgument");
  EXPECT_NE(text.find("failed with InvalidArgument: "), std::string::npos) << text;
}

TEST(StsErrors, ServerMessageIsOneBoundedLine) {
  const std::string text =
      Describe("AccessDenied", "line one\nline two\r\n" + std::string(2000, 'x'));
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_LT(text.size(), 1200u);
  EXPECT_NE(text.find("line one line two"), std::string::npos);
}

TEST(StsErrors, ThrottlingCodes) {
  EXPECT_TRUE(IsThrottlingCode("Throttling"));
  EXPECT_TRUE(IsThrottlingCode("ThrottlingException"));
  EXPECT_TRUE(IsThrottlingCode("RequestLimitExceeded"));
  EXPECT_FALSE(IsThrottlingCode("AccessDenied"));
  EXPECT_FALSE(IsThrottlingCode("throttling"));
}

HttpResult Reply(int status, std::string body = "") { return HttpResponse{status, {}, body}; }

TEST(StsErrors, ClassifiesAttempts) {
  EXPECT_EQ(ClassifyStsAttempt(Reply(200)), AttemptOutcome::kSuccess);
  EXPECT_EQ(ClassifyStsAttempt(Reply(500)), AttemptOutcome::kServerError);
  EXPECT_EQ(ClassifyStsAttempt(Reply(503, "<html/>")), AttemptOutcome::kServerError);
  EXPECT_EQ(ClassifyStsAttempt(Reply(429)), AttemptOutcome::kThrottled);
  EXPECT_EQ(ClassifyStsAttempt(Reply(
                400, "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>")),
            AttemptOutcome::kThrottled);
  EXPECT_EQ(ClassifyStsAttempt(Reply(
                400, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>")),
            AttemptOutcome::kClientError);
  EXPECT_EQ(ClassifyStsAttempt(Reply(403, "garbage")), AttemptOutcome::kClientError);
  EXPECT_EQ(ClassifyStsAttempt(Reply(302)), AttemptOutcome::kPermanent);
  EXPECT_EQ(ClassifyStsAttempt(tl::unexpected(HttpFailure{HttpFailureKind::kConnect, ""})),
            AttemptOutcome::kConnectionFailure);
  EXPECT_EQ(ClassifyStsAttempt(tl::unexpected(HttpFailure{HttpFailureKind::kTimeout, ""})),
            AttemptOutcome::kTimeout);
  EXPECT_EQ(ClassifyStsAttempt(tl::unexpected(HttpFailure{HttpFailureKind::kTls, ""})),
            AttemptOutcome::kPermanent);
}

TEST(StsErrors, EchoedSecretLeavesNoPieceEvenWhereTheMessageIsCut) {
  // A session token longer than the quoted message, after 300 characters
  // of text: cut first and redacted after, its beginning would remain.
  std::string token = "IQoJb3JpZ2luX2VjStsErrorsUnitToken";
  while (token.size() < 600) token += "/Zy+Xw" + std::to_string(token.size());
  const SecretString secret(token);
  const Error error = DescribeStsError(
      StsErrorReply{"AccessDenied", std::string(300, '.') + " token=" + token, "Sender", ""}, 403,
      Context(), 1, {&secret});
  EXPECT_EQ(error.message.find(token.substr(0, 12)), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("token=****"), std::string::npos) << error.message;
}

TEST(StsErrors, EchoedSecretWrittenWithXmlCharacterReferencesIsRedactedToo) {
  // The reply text holds the token as character references (&#47; for
  // '/'): only the parsed Message shows it whole.
  const std::string token = "FwoGZXIvYXdzEXmlToken/abcdefghijklmnop/qrstuvwxyz0123456789";
  std::string escaped;
  for (const char c : token) escaped += c == '/' ? std::string("&#47;") : std::string(1, c);
  const SecretString secret(token);
  HttpResponse response;
  response.status = 403;
  response.body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>" +
                  std::string(380, '.') + escaped + "</Message></Error></ErrorResponse>";
  const Error error = DescribeStsFailure(HttpResult(response), 1, Context(), {&secret});
  EXPECT_NE(error.message.find("AccessDenied"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find(token.substr(0, 12)), std::string::npos) << error.message;
}

TEST(StsErrors, RedactSecrets) {
  AwsCredentials credentials;
  credentials.secret_access_key = SecretString("s3cr3t");
  credentials.session_token = SecretString("t0k3n");
  EXPECT_EQ(RedactSecrets("a s3cr3t b t0k3n c s3cr3ts3cr3t", credentials),
            "a **** b **** c ********");
  EXPECT_EQ(RedactSecrets("nothing", AwsCredentials{}), "nothing");
}

}  // namespace
}  // namespace audex
