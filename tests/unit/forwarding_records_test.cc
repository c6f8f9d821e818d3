// What the forwarding endpoint records outside itself: the broker_started and
// broker_call audit events (docs/audit-log-format.md), and CSM calls that the
// endpoint already saw, which learn must not count twice.
#include <gtest/gtest.h>

#include <string>

#include "core/audit/audit_event.h"
#include "core/wire/csm_event.h"

namespace audex {
namespace {

TEST(BrokerEvents, CarryTheCallAndNoSecret) {
  SessionRecord record;
  record.id = "0123456789abcdef";
  const AuditEvent started =
      BrokerStartedEvent(record, "http://127.0.0.1:41000", "AUDX0123456789ABCDEF");
  EXPECT_EQ(started.name, kBrokerStarted);
  EXPECT_EQ(started.fields["url"], "http://127.0.0.1:41000");
  EXPECT_EQ(started.fields["placeholder_access_key_id"], "AUDX0123456789ABCDEF");

  BrokerCall call;
  call.service = "S3";
  call.operation = "PutObject";
  call.region = "us-east-1";
  call.status = 403;
  call.error_code = "AccessDenied";
  call.bucket = "data";
  const AuditEvent event = BrokerCallEvent(record, call);
  EXPECT_EQ(event.name, kBrokerCall);
  EXPECT_EQ(event.session_id, record.id);
  EXPECT_EQ(event.fields, nlohmann::json({{"service", "S3"},
                                          {"operation", "PutObject"},
                                          {"region", "us-east-1"},
                                          {"status", 403},
                                          {"error_code", "AccessDenied"},
                                          {"refused", false},
                                          {"bucket", "data"}}));
  // The line round-trips through the strict parser.
  AuditLine line{1, event, std::string(kMacHexSize, '0'), std::string(kMacHexSize, 'a')};
  line.event.ts = "2026-05-01T12:00:00Z";
  auto parsed = ParseAuditLine(FormatAuditLine(line));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->event.fields["status"], 403);

  BrokerCall unreachable;
  unreachable.service = "DynamoDB";
  EXPECT_TRUE(BrokerCallEvent(record, unreachable).fields["status"].is_null());
}

std::string Attempt(const std::string& api, const std::string& fqdn) {
  return R"({"Version":1,"ClientId":"sess-1","Type":"ApiCallAttempt","Service":"S3","Api":")" +
         api + R"(","Fqdn":")" + fqdn +
         R"(","AccessKey":"ASIASESSION","Region":"us-east-1","HttpStatusCode":200})";
}
std::string Call(const std::string& api) {
  return R"({"Version":1,"ClientId":"sess-1","Type":"ApiCall","Service":"S3","Api":")" + api +
         R"(","AttemptCount":1,"FinalHttpStatusCode":200})";
}

TEST(CsmCallCollectorTest, CallsThroughTheEndpointAreCountedThereOnly) {
  CsmCallCollector collector("sess-1", "ASIASESSION");
  collector.SkipCallsTo("127.0.0.1:41000");
  collector.Add(Attempt("ListObjectsV2", "127.0.0.1:41000"));
  collector.Add(Call("ListObjectsV2"));
  // A call that went around the endpoint (to its own host) is kept.
  collector.Add(Attempt("GetObject", "bucket.s3.us-east-1.amazonaws.com"));
  collector.Add(Call("GetObject"));
  ASSERT_EQ(collector.calls().size(), 1u);
  EXPECT_EQ(collector.calls()[0].operation, "GetObject");
  EXPECT_EQ(collector.through_endpoint(), 1u);
}

}  // namespace
}  // namespace audex
