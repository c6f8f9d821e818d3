// Credential calls (core/wire/credential_calls.h): which routed requests
// --broker refuses because their reply would hand the command a working
// credential, checked on requests routed against the built-in models.
#include "core/wire/credential_calls.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "catalog/service_models.h"
#include "core/base/rfc3339.h"
#include "core/wire/sigv4.h"

namespace audex {
namespace {

constexpr int kPort = 40321;

AwsCredentials Placeholder() {
  AwsCredentials credentials;
  credentials.access_key_id = "AUDX00112233445566AA";
  credentials.secret_access_key = SecretString("placeholder-secret-0123456789abcdef");
  return credentials;
}

// Routes a request signed with the placeholder as an SDK pointed at the
// endpoint signs it.
Routed<AwsRoute> RouteSigned(const std::string& service, HttpHeaders headers, std::string body,
                             std::string path = "/") {
  const std::string host = "127.0.0.1:" + std::to_string(kPort);
  HttpRequest request;
  request.method = "POST";
  request.url = "http://" + host + path;
  request.headers = std::move(headers);
  request.headers.emplace_back("Host", host);
  request.body = body;
  auto signed_request = SignV4(request, Placeholder(), SigV4Scope{"us-east-1", service},
                               *ParseRfc3339("2026-05-01T12:00:00Z"));
  EXPECT_TRUE(signed_request) << signed_request.error().message;
  AwsRequestHead head{"POST", path, signed_request->headers};
  EndpointIdentity identity{kPort, Placeholder().access_key_id, Placeholder().secret_access_key};
  return RouteAwsRequest(BuiltinServiceModels(), head, AwsRequestBody{true, body}, identity);
}

Routed<AwsRoute> QueryCall(const std::string& service, const std::string& action) {
  return RouteSigned(service,
                     {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                     "Action=" + action + "&Version=2011-06-15");
}

TEST(CredentialCallsTest, StsCallsThatIssueCredentialsAreRefusedNamingTheFlag) {
  for (const char* action :
       {"AssumeRole", "GetSessionToken", "GetFederationToken", "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML", "GetScopedCredentials", "AssumeRoot"}) {
    auto route = QueryCall("sts", action);
    ASSERT_TRUE(route) << action << ": " << route.error().message;
    EXPECT_EQ(route->operation, action);
    auto refusal = RefuseCredentialCall(*route);
    ASSERT_TRUE(refusal.has_value()) << action;
    EXPECT_EQ(refusal->status, 403);
    EXPECT_EQ(refusal->code, "AccessDenied");
    EXPECT_NE(refusal->message.find(std::string("STS ") + action), std::string::npos);
    EXPECT_NE(refusal->message.find("--allow-credential-calls"), std::string::npos);
  }
}

TEST(CredentialCallsTest, CallsThatReturnNoCredentialAreForwarded) {
  for (const char* action : {"GetCallerIdentity", "GetAccessKeyInfo"}) {
    auto route = QueryCall("sts", action);
    ASSERT_TRUE(route) << route.error().message;
    EXPECT_FALSE(RefuseCredentialCall(*route).has_value()) << action;
  }
  // IAM: listing keys is not creating one.
  auto listed = QueryCall("iam", "ListAccessKeys");
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_FALSE(RefuseCredentialCall(*listed).has_value());
  auto created = QueryCall("iam", "CreateAccessKey");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(RefuseCredentialCall(*created).has_value());
}

TEST(CredentialCallsTest, JsonProtocolCallsAreFoundByTheirTarget) {
  auto token = RouteSigned("ecr",
                           {{"Content-Type", "application/x-amz-json-1.1"},
                            {"X-Amz-Target",
                             "AmazonEC2ContainerRegistry_V20150921."
                             "GetAuthorizationToken"}},
                           "{}");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->service->service_id, "ECR");
  auto refusal = RefuseCredentialCall(*token);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->message.find("container registry password"), std::string::npos);

  auto images = RouteSigned("ecr",
                            {{"Content-Type", "application/x-amz-json-1.1"},
                             {"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.ListImages"}},
                            "{}");
  ASSERT_TRUE(images) << images.error().message;
  EXPECT_FALSE(RefuseCredentialCall(*images).has_value());
}

// A misspelt service id or operation would silently let a call through:
// every entry names a service of the built-in models and, except the STS
// operations newer than the pinned models, one of its operations.
TEST(CredentialCallsTest, EveryEntryNamesAServiceAndOperationOfTheModels) {
  const std::set<std::string_view> newer_than_models = {"AssumeRoot", "GetScopedCredentials",
                                                        "GetWebIdentityToken"};
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const CredentialCall& call : KnownCredentialCalls()) {
    EXPECT_TRUE(seen.emplace(call.service_id, call.operation).second)
        << "listed twice: " << call.service_id << " " << call.operation;
    EXPECT_EQ(FindCredentialCall(call.service_id, call.operation), &call);
    bool service_found = false;
    bool operation_found = false;
    for (const AwsServiceModel& service : BuiltinServiceModels().services) {
      if (service.service_id != call.service_id) continue;
      service_found = true;
      for (const AwsOperationModel& operation : service.operations) {
        operation_found = operation_found || operation.name == call.operation;
      }
    }
    EXPECT_TRUE(service_found) << call.service_id;
    if (call.service_id == "STS" && newer_than_models.contains(call.operation)) continue;
    EXPECT_TRUE(operation_found) << call.service_id << " " << call.operation;
  }
  EXPECT_EQ(FindCredentialCall("STS", "GetCallerIdentity"), nullptr);
  EXPECT_EQ(FindCredentialCall("sts", "AssumeRole"), nullptr);  // service ids, not signing names
}

}  // namespace
}  // namespace audex
