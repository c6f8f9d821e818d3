// CSM datagrams as botocore sends them, and collecting one session's calls.
#include "core/wire/csm_event.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace audex {
namespace {

// Recorded from awscli 1.45 / botocore 1.43 (the ApiCallAttempt also
// carries SessionToken and UserAgent, which Audex ignores).
std::string Attempt(const std::string& service, const std::string& api, const std::string& key,
                    const std::string& client = "sess-1", int status = 200,
                    const std::string& fqdn = "127.0.0.1:5000") {
  return R"({"Version":1,"ClientId":")" + client + R"(","Type":"ApiCallAttempt","Service":")" +
         service + R"(","Api":")" + api +
         R"(","Timestamp":1795888997729,"AttemptLatency":12,"Fqdn":")" + fqdn +
         R"(","UserAgent":"aws-cli/1.45.11","AccessKey":")" + key +
         R"(","Region":"us-east-1","SessionToken":"FQoGZXIvYXdzEXAMPLETOKEN","HttpStatusCode":)" +
         std::to_string(status) + "}";
}
std::string Call(const std::string& service, const std::string& api,
                 const std::string& client = "sess-1", int status = 200,
                 const std::string& exception = "", int attempts = 1) {
  std::string text = R"({"Version":1,"ClientId":")" + client + R"(","Type":"ApiCall","Service":")" +
                     service + R"(","Api":")" + api +
                     R"(","Timestamp":1795888997731,"AttemptCount":)" + std::to_string(attempts) +
                     R"(,"Latency":14,"FinalHttpStatusCode":)" + std::to_string(status) +
                     R"(,"MaxRetriesExceeded":0)";
  if (!exception.empty()) {
    text += R"(,"FinalAwsException":")" + exception + R"(","FinalAwsExceptionMessage":"no")";
  }
  return text + "}";
}

TEST(CsmDatagram, ParsesAnApiCall) {
  auto event = ParseCsmDatagram(Call("S3", "ListObjectsV2", "abc", 403, "AccessDenied"));
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->type, CsmEventType::kApiCall);
  EXPECT_EQ(event->service, "S3");
  EXPECT_EQ(event->api, "ListObjectsV2");
  EXPECT_EQ(event->client_id, "abc");
  EXPECT_EQ(event->http_status, 403);
  EXPECT_EQ(event->aws_exception, "AccessDenied");
  EXPECT_EQ(event->attempt_count, 1);
  EXPECT_EQ(event->timestamp_ms, 1795888997731);
}

TEST(CsmDatagram, ParsesAnAttempt) {
  auto event = ParseCsmDatagram(Attempt("DynamoDB", "Query", "ASIAKEY"));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, CsmEventType::kApiCallAttempt);
  EXPECT_EQ(event->access_key, "ASIAKEY");
  EXPECT_EQ(event->region, "us-east-1");
  EXPECT_EQ(event->http_status, 200);
}

TEST(CsmDatagram, RejectsWhatIsNotAnEvent) {
  EXPECT_FALSE(ParseCsmDatagram(""));
  EXPECT_FALSE(ParseCsmDatagram("[1,2]"));
  EXPECT_FALSE(ParseCsmDatagram(R"({"Service":"S3"})"));
  EXPECT_FALSE(ParseCsmDatagram(R"({"Type":7})"));
  auto other = ParseCsmDatagram(R"({"Type":"Future"})");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->type, CsmEventType::kOther);
}

TEST(CsmDatagram, WrongFieldTypesAreIgnored) {
  auto event = ParseCsmDatagram(
      R"({"Type":"ApiCall","Service":5,"Api":"X","FinalHttpStatusCode":"200","AttemptCount":-3})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->service, "");
  EXPECT_EQ(event->http_status, std::nullopt);
  EXPECT_EQ(event->attempt_count, 0);
}

TEST(CsmCallCollector, KeepsThisSessionsCallsWithStatusAndDenials) {
  CsmCallCollector collector("sess-1", "ASIASESSION");
  collector.Add(Attempt("S3", "ListObjectsV2", "ASIASESSION"));
  collector.Add(Call("S3", "ListObjectsV2"));
  collector.Add(Attempt("S3", "PutObject", "ASIASESSION", "sess-1", 403));
  collector.Add(Call("S3", "PutObject", "sess-1", 403, "AccessDenied"));
  collector.Add(Attempt("S3", "GetObject", "ASIASESSION", "sess-1", 404));
  collector.Add(Call("S3", "GetObject", "sess-1", 404, "NoSuchKey"));
  ASSERT_EQ(collector.calls().size(), 3u);
  EXPECT_EQ(collector.calls()[0].operation, "ListObjectsV2");
  EXPECT_FALSE(collector.calls()[0].denied);
  EXPECT_TRUE(collector.calls()[1].denied);
  EXPECT_EQ(collector.calls()[1].http_status, 403);
  EXPECT_FALSE(collector.calls()[2].denied);
  EXPECT_EQ(collector.calls()[2].error_code, "NoSuchKey");
  EXPECT_EQ(collector.datagrams(), 6u);
}

TEST(CsmCallCollector, DropsOtherClientsAndOtherCredentials) {
  CsmCallCollector collector("sess-1", "ASIASESSION");
  collector.Add(Attempt("S3", "ListBuckets", "ASIASESSION", "someone-else"));
  collector.Add(Call("S3", "ListBuckets", "someone-else"));
  // The child assumed another role itself: its calls are not this session's.
  collector.Add(Attempt("DynamoDB", "Scan", "ASIAOTHERROLE"));
  collector.Add(Call("DynamoDB", "Scan"));
  collector.Add(Attempt("DynamoDB", "Query", "ASIASESSION"));
  collector.Add(Call("DynamoDB", "Query"));
  ASSERT_EQ(collector.calls().size(), 1u);
  EXPECT_EQ(collector.calls()[0].operation, "Query");
  EXPECT_EQ(collector.foreign(), 3u);
}

TEST(CsmCallCollector, CountsMalformedDatagrams) {
  CsmCallCollector collector("sess-1", "ASIASESSION");
  collector.Add("not json");
  collector.Add(R"({"Type":"ApiCall","ClientId":"sess-1"})");  // no service or api
  EXPECT_EQ(collector.malformed(), 2u);
  EXPECT_TRUE(collector.calls().empty());
}

TEST(CsmCallCollector, CallsNeverSentStillCount) {
  // An SDK that fails before sending (no region) reports AttemptCount 0.
  CsmCallCollector collector("sess-1", "ASIASESSION");
  collector.Add(R"({"Version":1,"ClientId":"sess-1","Type":"ApiCall","Service":"STS",)"
                R"("Api":"GetCallerIdentity","Timestamp":1,"AttemptCount":0,"Latency":1})");
  ASSERT_EQ(collector.calls().size(), 1u);
  EXPECT_EQ(collector.calls()[0].http_status, std::nullopt);
}

TEST(CsmCallCollector, VirtualHostedS3NamesTheBucket) {
  CsmCallCollector collector("sess-1", "ASIASESSION");
  collector.Add(Attempt("S3", "GetObject", "ASIASESSION", "sess-1", 200,
                        "my.data.s3.eu-west-1.amazonaws.com"));
  collector.Add(Call("S3", "GetObject"));
  ASSERT_EQ(collector.calls().size(), 1u);
  EXPECT_EQ(collector.calls()[0].resources, std::vector<std::string>{"arn:aws:s3:::my.data"});
}

TEST(S3BucketFromHost, Forms) {
  EXPECT_EQ(S3BucketFromHost("b.s3.amazonaws.com"), "b");
  EXPECT_EQ(S3BucketFromHost("b.s3.us-east-1.amazonaws.com:443"), "b");
  EXPECT_EQ(S3BucketFromHost("b.s3-us-west-2.amazonaws.com"), "b");
  EXPECT_EQ(S3BucketFromHost("my.s3data.s3.amazonaws.com"), "my.s3data");
  EXPECT_EQ(S3BucketFromHost("s3.amazonaws.com"), "");
  EXPECT_EQ(S3BucketFromHost("s3.us-east-1.amazonaws.com"), "");
  EXPECT_EQ(S3BucketFromHost("127.0.0.1:5000"), "");
  EXPECT_EQ(S3BucketFromHost("dynamodb.us-east-1.amazonaws.com"), "");
}

TEST(PermissionDenied, Codes) {
  EXPECT_TRUE(IsPermissionDenied("AccessDenied", 403));
  EXPECT_TRUE(IsPermissionDenied("AccessDeniedException", 400));
  EXPECT_TRUE(IsPermissionDenied("UnauthorizedOperation", 403));
  EXPECT_TRUE(IsPermissionDenied("", 403));
  EXPECT_TRUE(IsPermissionDenied("403", 403));  // botocore, unreadable error body
  EXPECT_FALSE(IsPermissionDenied("404", 404));
  EXPECT_FALSE(IsPermissionDenied("SignatureDoesNotMatch", 403));
  EXPECT_FALSE(IsPermissionDenied("ExpiredToken", 403));
  EXPECT_FALSE(IsPermissionDenied("NoSuchKey", 404));
  EXPECT_FALSE(IsPermissionDenied("", 200));
}

RC_GTEST_PROP(CsmDatagram, NeverThrowsOnArbitraryText, (const std::string& text)) {
  CsmCallCollector collector("c", "k");
  collector.Add(text);
  RC_ASSERT(collector.datagrams() == 1u);
  RC_ASSERT(collector.calls().size() + collector.malformed() <= 1u);
}

}  // namespace
}  // namespace audex
