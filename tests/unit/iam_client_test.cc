// IamClient and its XML against a scripted HttpClient: the requests it
// signs for service iam, pagination with Marker (and its cap), percent-encoded
// and raw documents, a whole FetchRole, and errors that name the role and the
// permissions drift needs without leaking a secret.
#include "adapters/aws/iam_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "core/plan/aws_endpoints.h"
#include "core/wire/url.h"
#include "support/form_body.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

const std::string kSecret = "IAM/SECRET+KEY/0123456789abcdefghijklmn";

AwsCredentials Base() {
  AwsCredentials base;
  base.access_key_id = "AKIAIAMEXAMPLE";
  base.secret_access_key = SecretString(kSecret);
  base.source = "environment";
  return base;
}

HttpResult Ok(std::string body) { return HttpResponse{200, {}, std::move(body)}; }
HttpResult ErrorReply(int status, const std::string& code, const std::string& message) {
  return HttpResponse{status,
                      {},
                      "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
                      "<Type>Sender</Type><Code>" +
                          code + "</Code><Message>" + message +
                          "</Message></Error><RequestId>r</RequestId></ErrorResponse>"};
}

std::string Wrap(const std::string& operation, const std::string& inner) {
  return "<" + operation + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" +
         operation + "Result>" + inner + "</" + operation + "Result></" + operation + "Response>";
}

std::string RoleXml(const std::string& boundary = "") {
  return Wrap(
      "GetRole",
      "<Role><RoleName>MyRole</RoleName><Arn>arn:aws:iam::123456789012:role/app/MyRole</Arn>"
      "<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>" +
          (boundary.empty() ? std::string()
                            : "<PermissionsBoundary><PermissionsBoundaryArn>" + boundary +
                                  "</PermissionsBoundaryArn></PermissionsBoundary>") +
          "</Role>");
}

IamClientOptions Options() {
  IamClientOptions options;
  options.endpoint = "http://127.0.0.1:9";
  options.retry.sleep = [](std::chrono::milliseconds) {};
  options.retry.random01 = [] { return 0.5; };
  options.retry.clock = [] { return std::chrono::system_clock::time_point(std::chrono::hours(1)); };
  return options;
}

// A form field of a sent request, decoded ("" when absent).
std::string Field(const HttpRequest& request, const std::string& name) {
  return DecodeForm(request.body)[name];
}

std::string Header(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(DecodePolicyDocument, DecodesOnlyPercentEncodedDocuments) {
  EXPECT_EQ(DecodePolicyDocument("%7B%22Version%22%3A%222012-10-17%22%7D"),
            R"({"Version":"2012-10-17"})");
  // Raw (moto's GetPolicyVersion): a literal %41 in a value must survive.
  EXPECT_EQ(DecodePolicyDocument(R"(  {"Sid":"100%41"} )"), R"({"Sid":"100%41"})");
  // '+' is not a space in RFC 3986 encoding.
  EXPECT_EQ(DecodePolicyDocument("%7B%22a+b%22%7D"), R"({"a+b"})");
}

TEST(IamXml, ReadsRoleListsAndDocuments) {
  auto role = ParseGetRoleReply(RoleXml("arn:aws:iam::aws:policy/Boundary"));
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(role->name, "MyRole");
  EXPECT_EQ(role->permissions_boundary_arn, "arn:aws:iam::aws:policy/Boundary");
  EXPECT_FALSE(ParseGetRoleReply(RoleXml())->permissions_boundary_arn);

  auto names = ParseListRolePoliciesReply(
      Wrap("ListRolePolicies",
           "<PolicyNames><member>a</member><member>b</member></PolicyNames><IsTruncated>true"
           "</IsTruncated><Marker>m1</Marker>"));
  ASSERT_TRUE(names);
  EXPECT_EQ(names->items, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(names->truncated);
  EXPECT_EQ(names->marker, "m1");

  auto version = ParseGetPolicyVersionReply(
      Wrap("GetPolicyVersion",
           R"(<PolicyVersion><Document>{"Statement": []}</Document></PolicyVersion>)"));
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, R"({"Statement": []})");

  auto wrong = ParseGetRoleReply("<GetCallerIdentityResponse/>");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("AWS_ENDPOINT_URL_IAM"), std::string::npos);
}

TEST(IamClient, SignsForIamAndFollowsMarkersToTheEnd) {
  ScriptedHttpClient http;
  auto page = [](const std::string& names, bool truncated, const std::string& marker) {
    return Ok(Wrap("ListAttachedRolePolicies",
                   "<AttachedPolicies>" + names + "</AttachedPolicies><IsTruncated>" +
                       (truncated ? "true" : "false") + "</IsTruncated>" +
                       (marker.empty() ? "" : "<Marker>" + marker + "</Marker>")));
  };
  const auto member = [](const std::string& name) {
    return "<member><PolicyName>" + name + "</PolicyName><PolicyArn>arn:aws:iam::1:policy/" + name +
           "</PolicyArn></member>";
  };
  http.script.push_back(page(member("p1") + member("p2"), true, "2"));
  http.script.push_back(page(member("p3"), true, "3"));
  http.script.push_back(page("", false, ""));  // moto's last, empty page
  IamClientOptions options = Options();
  options.max_items = 2;
  IamClient iam(http, options);
  auto attached = iam.ListAttachedRolePolicies("MyRole", Base());
  ASSERT_TRUE(attached) << attached.error().message;
  ASSERT_EQ(attached->size(), 3u);
  EXPECT_EQ((*attached)[2].arn, "arn:aws:iam::1:policy/p3");
  ASSERT_EQ(http.sent.size(), 3u);
  EXPECT_EQ(Field(http.sent[0], "Action"), "ListAttachedRolePolicies");
  EXPECT_EQ(Field(http.sent[0], "Version"), "2010-05-08");
  EXPECT_EQ(Field(http.sent[0], "MaxItems"), "2");
  EXPECT_EQ(Field(http.sent[0], "Marker"), "");
  EXPECT_EQ(Field(http.sent[1], "Marker"), "2");
  EXPECT_EQ(Field(http.sent[2], "Marker"), "3");
  EXPECT_NE(Header(http.sent[0], "Authorization").find("/us-east-1/iam/aws4_request"),
            std::string::npos);
  EXPECT_EQ(http.sent[0].url, "http://127.0.0.1:9/");
}

TEST(IamClient, StopsAnEndlessListAtThePageCap) {
  ScriptedHttpClient http;
  for (int i = 0; i < 10; ++i) {
    http.script.push_back(
        Ok(Wrap("ListRolePolicies", "<PolicyNames><member>p" + std::to_string(i) +
                                        "</member></PolicyNames><IsTruncated>true</IsTruncated>"
                                        "<Marker>m" +
                                        std::to_string(i) + "</Marker>")));
  }
  IamClientOptions options = Options();
  options.max_pages = 4;
  IamClient iam(http, options);
  auto names = iam.ListRolePolicies("MyRole", Base());
  ASSERT_FALSE(names);
  EXPECT_EQ(names.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(names.error().message.find("after 4 pages"), std::string::npos);
  EXPECT_EQ(http.sent.size(), 4u);
}

TEST(IamClient, RepeatedMarkerIsAnError) {
  ScriptedHttpClient http;
  const std::string same = Wrap("ListRolePolicies",
                                "<PolicyNames><member>a</member></PolicyNames><IsTruncated>true"
                                "</IsTruncated><Marker>again</Marker>");
  http.script.push_back(Ok(same));
  http.script.push_back(Ok(same));
  IamClient iam(http, Options());
  auto names = iam.ListRolePolicies("MyRole", Base());
  ASSERT_FALSE(names);
  EXPECT_NE(names.error().message.find("same Marker twice"), std::string::npos);
}

TEST(FetchRole, ReadsInlineManagedAndBoundaryDocuments) {
  ScriptedHttpClient http;
  http.script.push_back(Ok(RoleXml("arn:aws:iam::123456789012:policy/boundary")));
  http.script.push_back(Ok(Wrap("ListRolePolicies",
                                "<PolicyNames><member>inline1</member></PolicyNames>"
                                "<IsTruncated>false</IsTruncated>")));
  http.script.push_back(Ok(Wrap("GetRolePolicy",
                                "<PolicyName>inline1</PolicyName><PolicyDocument>"
                                "%7B%22Statement%22%3A%5B%5D%7D</PolicyDocument>")));
  http.script.push_back(Ok(Wrap(
      "ListAttachedRolePolicies",
      "<AttachedPolicies><member><PolicyName>m</PolicyName><PolicyArn>arn:aws:iam::123456789012:"
      "policy/m</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>")));
  http.script.push_back(
      Ok(Wrap("GetPolicy", "<Policy><DefaultVersionId>v3</DefaultVersionId></Policy>")));
  http.script.push_back(Ok(
      Wrap("GetPolicyVersion", "<PolicyVersion><Document>{\"m\":1}</Document></PolicyVersion>")));
  http.script.push_back(
      Ok(Wrap("GetPolicy", "<Policy><DefaultVersionId>v1</DefaultVersionId></Policy>")));
  http.script.push_back(Ok(Wrap("GetPolicyVersion",
                                "<PolicyVersion><Document>%7B%22b%22%3A1%7D</Document>"
                                "</PolicyVersion>")));
  IamClient iam(http, Options());
  auto fetched = FetchRole(iam, "MyRole", Base());
  ASSERT_TRUE(fetched) << fetched.error().message;
  ASSERT_EQ(fetched->policies.size(), 2u);
  EXPECT_EQ(fetched->policies[0].kind, "inline");
  EXPECT_EQ(fetched->policies[0].document, R"({"Statement":[]})");
  EXPECT_EQ(fetched->policies[1].kind, "managed");
  EXPECT_EQ(fetched->policies[1].version, "v3");
  EXPECT_EQ(fetched->policies[1].document, R"({"m":1})");
  ASSERT_TRUE(fetched->boundary);
  EXPECT_EQ(fetched->boundary->document, R"({"b":1})");
  EXPECT_EQ(Field(http.sent[5], "VersionId"), "v3");
  EXPECT_EQ(Field(http.sent[5], "PolicyArn"), "arn:aws:iam::123456789012:policy/m");
}

TEST(IamClient, NoSuchEntityNamesTheRoleAndAccessDeniedTheNeededPermissions) {
  ScriptedHttpClient http;
  http.script.push_back(ErrorReply(404, "NoSuchEntity", "Role Nope not found"));
  http.script.push_back(ErrorReply(403, "AccessDenied",
                                   "User: arn:aws:iam::1:user/u is not authorized to perform: "
                                   "iam:GetRole " +
                                       kSecret));
  IamClient iam(http, Options());
  auto missing = iam.GetRole("Nope", Base());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(missing.error().message.find("iam:GetRole of Nope"), std::string::npos);
  EXPECT_NE(missing.error().message.find("NoSuchEntity"), std::string::npos);
  EXPECT_NE(missing.error().message.find("--role-arn"), std::string::npos);

  auto denied = iam.GetRole("MyRole", Base());
  ASSERT_FALSE(denied);
  const std::string& message = denied.error().message;
  EXPECT_NE(message.find("AccessDenied"), std::string::npos);
  for (const char* permission :
       {"iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
        "iam:GetPolicy", "iam:GetPolicyVersion"}) {
    EXPECT_NE(message.find(permission), std::string::npos) << permission;
  }
  EXPECT_NE(message.find("AKIAIAMEXAMPLE"), std::string::npos);
  EXPECT_EQ(message.find(kSecret), std::string::npos);
}

TEST(IamClient, RetriesThrottlingThenSucceeds) {
  ScriptedHttpClient http;
  http.script.push_back(ErrorReply(400, "Throttling", "Rate exceeded"));
  http.script.push_back(HttpResponse{503, {}, ""});
  http.script.push_back(Ok(RoleXml()));
  IamClient iam(http, Options());
  auto role = iam.GetRole("MyRole", Base());
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(http.sent.size(), 3u);
  EXPECT_EQ(iam.requests_sent(), 3);
}

TEST(ResolveIamEndpoint, FollowsTheCliOverridesThenThePartition) {
  const auto env = [](const std::map<std::string, std::string>& values) { return MapEnv(values); };
  auto global = ResolveIamEndpoint(env({}), "eu-west-1");
  ASSERT_TRUE(global);
  EXPECT_EQ(global->url, "https://iam.amazonaws.com");
  EXPECT_EQ(global->signing_region, "us-east-1");
  EXPECT_EQ(ResolveIamEndpoint(env({}), "cn-northwest-1")->signing_region, "cn-north-1");
  auto both = ResolveIamEndpoint(env({{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"},
                                      {"AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:2"}}),
                                 "us-east-1");
  EXPECT_EQ(both->url, "http://127.0.0.1:2");
  EXPECT_EQ(both->source, "AWS_ENDPOINT_URL_IAM");
  EXPECT_EQ(
      ResolveIamEndpoint(env({{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}}), "us-east-1")->source,
      "AWS_ENDPOINT_URL");
  auto bad = ResolveIamEndpoint(env({{"AWS_ENDPOINT_URL_IAM", "ftp://x"}}), "us-east-1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("AWS_ENDPOINT_URL_IAM"), std::string::npos);
}

}  // namespace
}  // namespace audex
