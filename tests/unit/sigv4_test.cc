// SigV4 signing checked three ways: AWS's published test-suite signatures,
// botocore's signer run on the same inputs at test time, and the rules
// (header replacement, query rewriting, session token) directly.
#include "core/wire/sigv4.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using std::chrono::system_clock;

const std::string* Header(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return &value;
    }
  }
  return nullptr;
}

int CountHeader(const HttpRequest& request, std::string_view name) {
  int count = 0;
  for (const auto& [key, value] : request.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      ++count;
    }
  }
  return count;
}

// --- AWS's Signature Version 4 test suite (AWS General Reference) ---------
// Credentials, scope and time shared by every case of the suite.
AwsCredentials SuiteCredentials() {
  AwsCredentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = SecretString("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  return credentials;
}
const SigV4Scope kSuiteScope{"us-east-1", "service"};
system_clock::time_point SuiteTime() { return *ParseRfc3339("2015-08-30T12:36:00Z"); }

struct SuiteCase {
  const char* name;
  HttpRequest request;
  const char* authorization;
};

std::vector<SuiteCase> SuiteCases() {
  return {
      {"get-vanilla-query-unreserved",
       {"GET",
        "https://example.amazonaws.com/"
        "?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
        "wxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        {},
        ""},
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-header-value-trim",
       {"GET",
        "https://example.amazonaws.com/",
        {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
        ""},
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
       "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"normalize-path/get-space",
       {"GET", "https://example.amazonaws.com/example space/", {}, ""},
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-utf8",
       {"GET", "https://example.amazonaws.com/\xe1\x88\xb4", {}, ""},
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"post-x-www-form-urlencoded",
       {"POST",
        "https://example.amazonaws.com/",
        {{"Content-Type", "application/x-www-form-urlencoded"}},
        "Param1=value1"},
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date, "
       "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
  };
}

TEST(Sigv4AwsSuite, MatchesPublishedSignatures) {
  for (const SuiteCase& suite_case : SuiteCases()) {
    SCOPED_TRACE(suite_case.name);
    const auto signed_request =
        SignV4(suite_case.request, SuiteCredentials(), kSuiteScope, SuiteTime());
    ASSERT_TRUE(signed_request) << signed_request.error().message;
    ASSERT_NE(Header(*signed_request, "Authorization"), nullptr);
    EXPECT_EQ(*Header(*signed_request, "Authorization"), suite_case.authorization);
    EXPECT_EQ(*Header(*signed_request, "X-Amz-Date"), "20150830T123600Z");
  }
}

TEST(Sigv4AwsSuite, PostStsHeaderBeforeSignsTheSessionToken) {
  AwsCredentials credentials = SuiteCredentials();
  credentials.session_token = SecretString(
      "AQoDYXdzEPT//////////"
      "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwth"
      "Ax7"
      "mSEI/qkPpKPi/"
      "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8"
      "Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
      "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==");
  const auto signed_request = SignV4(HttpRequest{"POST", "https://example.amazonaws.com/", {}, ""},
                                     credentials, kSuiteScope, SuiteTime());
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(*Header(*signed_request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  EXPECT_EQ(*Header(*signed_request, "X-Amz-Security-Token"), credentials.session_token.Reveal());
}

// --- botocore as the oracle -------------------------------------------------

struct OracleCase {
  std::string name;
  std::string method;
  std::string url_without_query;
  std::string query_as_written;                             // what our URL carries after '?'
  std::vector<std::pair<std::string, std::string>> params;  // the same, decoded, for botocore
  HttpHeaders headers;
  std::string body;
  std::string access_key = "AKIAIOSFODNN7EXAMPLE";
  std::string secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  std::string token;
  std::string region = "us-east-1";
  std::string service = "sts";
  bool s3 = false;
  int64_t epoch_seconds = 1767225600;  // 2026-01-01T00:00:00Z
};

std::vector<OracleCase> OracleCases() {
  std::vector<OracleCase> cases;
  const std::string form = "application/x-www-form-urlencoded; charset=utf-8";
  {
    OracleCase c;
    c.name = "sts assume-role form post";
    c.method = "POST";
    c.url_without_query = "https://sts.us-east-1.amazonaws.com/";
    c.headers = {{"Content-Type", form}};
    c.body =
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%"
        "2Fdev"
        "&RoleSessionName=audex-01&Policy=%7B%22Version%22%3A%20%222012-10-17%22%7D";
    cases.push_back(c);
  }
  {
    OracleCase c = cases.back();
    c.name = "sts with session token";
    c.token = "FwoGZXIvYXdzEJr//////////wEaDK+session/token==";
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "iam get with special characters in the query";
    c.method = "GET";
    c.service = "iam";
    c.url_without_query = "https://iam.amazonaws.com/";
    c.query_as_written =
        "Action=ListRoles&Version=2010-05-08&PathPrefix=%2Fdivision%20a%2F&Marker=a%2Bb%3Dc%26d";
    c.params = {{"Action", "ListRoles"},
                {"Version", "2010-05-08"},
                {"PathPrefix", "/division a/"},
                {"Marker", "a+b=c&d"}};
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "query written loosely: raw !*'() and utf-8, repeated keys";
    c.method = "GET";
    c.service = "execute-api";
    c.region = "eu-west-3";
    c.url_without_query = "https://abc.execute-api.eu-west-3.amazonaws.com/prod/items";
    c.query_as_written = "z=!*'()&a=2&a=1&caf%C3%A9=%E2%82%AC%20%7E&empty=&flag";
    c.params = {{"z", "!*'()"}, {"a", "2"},  {"a", "1"}, {"caf\xc3\xa9", "\xe2\x82\xac ~"},
                {"empty", ""},  {"flag", ""}};
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "s3 get, empty body, content sha256, key with an encoded space";
    c.method = "GET";
    c.service = "s3";
    c.s3 = true;
    c.region = "ap-southeast-2";
    c.url_without_query = "https://my-bucket.s3.ap-southeast-2.amazonaws.com/photos/my%20cat.jpg";
    c.token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "s3 put with body and list query";
    c.method = "PUT";
    c.service = "s3";
    c.s3 = true;
    c.url_without_query = "http://127.0.0.1:7480/bucket/dir/file.txt";
    c.query_as_written = "x-id=PutObject";
    c.params = {{"x-id", "PutObject"}};
    c.headers = {{"Content-Type", "text/plain"}};
    c.body = "hello, world\n";
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "dynamodb json post, other region, header whitespace, repeated header";
    c.method = "POST";
    c.service = "dynamodb";
    c.region = "eu-central-1";
    c.url_without_query = "https://dynamodb.eu-central-1.amazonaws.com/";
    c.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
                 {"X-Custom", "  two   spaces\tand tab  "},
                 {"X-Multi", "one"},
                 {"X-Multi", "two"},
                 {"User-Agent", "tryaudex/0.1"}};
    c.body = "{\"Limit\": 10}";
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "path with dot segments and double slashes (non-s3 normalizes)";
    c.method = "GET";
    c.service = "lambda";
    c.region = "us-west-2";
    c.url_without_query =
        "https://lambda.us-west-2.amazonaws.com/2015-03-31//functions/./x/../f%3Aalias/";
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "moto on a loopback port, new year's eve";
    c.method = "POST";
    c.url_without_query = "http://127.0.0.1:5000/";
    c.headers = {{"Content-Type", form}};
    c.body = "Action=GetCallerIdentity&Version=2011-06-15";
    c.epoch_seconds = 1767225599;  // 2025-12-31T23:59:59Z: date part of the scope changes
    c.secret_key = "secret with spaces/+=";
    cases.push_back(c);
  }
  {
    OracleCase c;
    c.name = "empty body post";
    c.method = "POST";
    c.service = "sts";
    c.region = "cn-north-1";
    c.url_without_query = "https://sts.cn-north-1.amazonaws.com.cn/";
    cases.push_back(c);
  }
  return cases;
}

std::filesystem::path OracleScript() {
  return std::filesystem::path(AUDEX_UNIT_TEST_DIR) / "sigv4_botocore_oracle.py";
}

// Runs the oracle; returns its JSON reply, or nullopt with `why` set.
std::optional<nlohmann::json> RunOracle(const std::vector<OracleCase>& cases, std::string& why) {
  nlohmann::json input;
  input["cases"] = nlohmann::json::array();
  for (const OracleCase& c : cases) {
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : c.headers) headers.push_back({name, value});
    nlohmann::json params = nlohmann::json::array();
    for (const auto& [name, value] : c.params) params.push_back({name, value});
    input["cases"].push_back({{"method", c.method},
                              {"url", c.url_without_query},
                              {"params", params},
                              {"headers", headers},
                              {"body", c.body},
                              {"access_key", c.access_key},
                              {"secret_key", c.secret_key},
                              {"token", c.token},
                              {"region", c.region},
                              {"service", c.service},
                              {"s3", c.s3},
                              {"epoch_seconds", c.epoch_seconds}});
  }
  const auto input_path = std::filesystem::temp_directory_path() /
                          ("audex-sigv4-oracle-" + std::to_string(::getpid()) + ".json");
  std::ofstream(input_path) << input.dump();
  const std::string command =
      "python3 '" + OracleScript().string() + "' < '" + input_path.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    why = "cannot start python3";
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  std::filesystem::remove(input_path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    why = "botocore is not installed for python3";
    return std::nullopt;
  }
  if (status != 0) {
    why = "the oracle failed with status " + std::to_string(status);
    return std::nullopt;
  }
  return nlohmann::json::parse(output);
}

TEST(Sigv4Botocore, MatchesBotocoreSigner) {
  const std::vector<OracleCase> cases = OracleCases();
  std::string why;
  const auto expected = RunOracle(cases, why);
  if (!expected && why.find("not installed") != std::string::npos) GTEST_SKIP() << why;
  ASSERT_TRUE(expected) << why;
  ASSERT_EQ(expected->size(), cases.size());

  for (size_t i = 0; i < cases.size(); ++i) {
    const OracleCase& c = cases[i];
    SCOPED_TRACE(c.name);
    HttpRequest request;
    request.method = c.method;
    request.url = c.url_without_query;
    if (!c.query_as_written.empty()) request.url += "?" + c.query_as_written;
    request.headers = c.headers;
    request.body = c.body;
    AwsCredentials credentials;
    credentials.access_key_id = c.access_key;
    credentials.secret_access_key = SecretString(c.secret_key);
    credentials.session_token = SecretString(c.token);

    SigV4Options options;
    options.content_sha256_header = c.s3;
    const auto signed_request =
        SignV4(request, credentials, SigV4Scope{c.region, c.service},
               system_clock::time_point(std::chrono::seconds(c.epoch_seconds)), options);
    ASSERT_TRUE(signed_request) << signed_request.error().message;
    EXPECT_EQ(*Header(*signed_request, "Authorization"),
              (*expected)[i]["authorization"].get<std::string>());
    EXPECT_EQ(*Header(*signed_request, "X-Amz-Date"),
              (*expected)[i]["x-amz-date"].get<std::string>());
    const std::string content_sha = (*expected)[i]["x-amz-content-sha256"].get<std::string>();
    if (content_sha.empty()) {
      EXPECT_EQ(Header(*signed_request, "X-Amz-Content-Sha256"), nullptr);
    } else {
      ASSERT_NE(Header(*signed_request, "X-Amz-Content-Sha256"), nullptr);
      EXPECT_EQ(*Header(*signed_request, "X-Amz-Content-Sha256"), content_sha);
    }
  }
}

// --- rules ------------------------------------------------------------------

AwsCredentials TemporaryCredentials() {
  AwsCredentials credentials;
  credentials.access_key_id = "ASIAEXAMPLE";
  credentials.secret_access_key = SecretString("SECRETSECRETSECRET");
  credentials.session_token = SecretString("TOKENTOKENTOKEN");
  return credentials;
}

TEST(Sigv4Rules, ReplacesPreviousSigningHeadersOnRetry) {
  const auto now = *ParseRfc3339("2026-03-01T10:00:00Z");
  const auto first = SignV4(HttpRequest{"POST", "https://sts.amazonaws.com/", {}, "x"},
                            TemporaryCredentials(), {"us-east-1", "sts"}, now);
  ASSERT_TRUE(first);
  const auto again =
      SignV4(*first, TemporaryCredentials(), {"us-east-1", "sts"}, now + std::chrono::seconds(5));
  ASSERT_TRUE(again);
  EXPECT_EQ(CountHeader(*again, "Authorization"), 1);
  EXPECT_EQ(CountHeader(*again, "X-Amz-Date"), 1);
  EXPECT_EQ(CountHeader(*again, "X-Amz-Security-Token"), 1);
  EXPECT_EQ(CountHeader(*again, "Host"), 1);
  EXPECT_EQ(*Header(*again, "X-Amz-Date"), "20260301T100005Z");
}

TEST(Sigv4Rules, LongTermKeysSendNoTokenHeader) {
  AwsCredentials credentials = TemporaryCredentials();
  credentials.session_token = SecretString();
  const auto signed_request = SignV4(HttpRequest{"GET", "https://sts.amazonaws.com/", {}, ""},
                                     credentials, {"us-east-1", "sts"}, system_clock::now());
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(Header(*signed_request, "X-Amz-Security-Token"), nullptr);
  EXPECT_NE(Header(*signed_request, "Authorization")->find("SignedHeaders=host;x-amz-date,"),
            std::string::npos);
}

TEST(Sigv4Rules, RewritesTheQueryInCanonicalForm) {
  const auto signed_request =
      SignV4(HttpRequest{"GET", "https://iam.amazonaws.com/?b=x y&a=%7e&c=1+1#frag", {}, ""},
             TemporaryCredentials(), {"us-east-1", "iam"}, system_clock::now());
  ASSERT_TRUE(signed_request);
  // Space as %20, '~' unreserved, '+' literal (%2B), sorted, fragment dropped.
  EXPECT_EQ(signed_request->url, "https://iam.amazonaws.com/?a=~&b=x%20y&c=1%2B1");
}

TEST(Sigv4Rules, HostHeaderOmitsDefaultPortAndKeepsOthers) {
  const auto now = system_clock::now();
  const auto https = SignV4(HttpRequest{"GET", "https://STS.Amazonaws.com:443/", {}, ""},
                            TemporaryCredentials(), {"us-east-1", "sts"}, now);
  const auto loopback = SignV4(HttpRequest{"GET", "http://127.0.0.1:5000/", {}, ""},
                               TemporaryCredentials(), {"us-east-1", "sts"}, now);
  ASSERT_TRUE(https && loopback);
  EXPECT_EQ(*Header(*https, "Host"), "sts.amazonaws.com");
  EXPECT_EQ(*Header(*loopback, "Host"), "127.0.0.1:5000");
}

TEST(Sigv4Rules, ContentShaHeaderOnlyWhenAsked) {
  const auto now = system_clock::now();
  SigV4Options with_sha;
  with_sha.content_sha256_header = true;
  const auto s3 = SignV4(HttpRequest{"GET", "https://b.s3.amazonaws.com/k", {}, ""},
                         TemporaryCredentials(), {"us-east-1", "s3"}, now, with_sha);
  ASSERT_TRUE(s3);
  EXPECT_EQ(*Header(*s3, "X-Amz-Content-Sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_NE(Header(*s3, "Authorization")->find("x-amz-content-sha256"), std::string::npos);
}

TEST(Sigv4Rules, DifferentInputsGiveDifferentSignatures) {
  const auto now = *ParseRfc3339("2026-03-01T10:00:00Z");
  const HttpRequest request{"POST", "https://sts.amazonaws.com/", {}, "Action=GetCallerIdentity"};
  const auto base = ComputeSigV4(request, TemporaryCredentials(), {"us-east-1", "sts"}, now);
  const auto other_region =
      ComputeSigV4(request, TemporaryCredentials(), {"eu-west-1", "sts"}, now);
  const auto other_service =
      ComputeSigV4(request, TemporaryCredentials(), {"us-east-1", "iam"}, now);
  HttpRequest other_body = request;
  other_body.body += "&x=1";
  const auto changed_body =
      ComputeSigV4(other_body, TemporaryCredentials(), {"us-east-1", "sts"}, now);
  ASSERT_TRUE(base && other_region && other_service && changed_body);
  EXPECT_NE(base->signature, other_region->signature);
  EXPECT_NE(base->signature, other_service->signature);
  EXPECT_NE(base->signature, changed_body->signature);
}

TEST(Sigv4Rules, SecretsStayOutOfEverythingButTheTokenHeader) {
  const AwsCredentials credentials = TemporaryCredentials();
  const auto signature = ComputeSigV4(HttpRequest{"POST", "https://sts.amazonaws.com/", {}, ""},
                                      credentials, {"us-east-1", "sts"}, system_clock::now());
  ASSERT_TRUE(signature);
  for (const std::string& shown :
       {signature->authorization, signature->string_to_sign, signature->signed_headers}) {
    EXPECT_EQ(shown.find(credentials.secret_access_key.Reveal()), std::string::npos);
    EXPECT_EQ(shown.find(credentials.session_token.Reveal()), std::string::npos);
  }
  std::ostringstream printed;
  printed << signature->canonical_request;
  EXPECT_EQ(printed.str(), "****");
}

TEST(Sigv4Rules, BadUrlIsAUsageErrorWithoutSecrets) {
  const AwsCredentials credentials = TemporaryCredentials();
  const auto signed_request = SignV4(HttpRequest{"GET", "ftp://example.com/", {}, ""}, credentials,
                                     {"us-east-1", "sts"}, system_clock::now());
  ASSERT_FALSE(signed_request);
  EXPECT_EQ(signed_request.error().kind, ErrorKind::kUsage);
  EXPECT_NE(signed_request.error().message.find("ftp://example.com/"), std::string::npos);
  EXPECT_EQ(signed_request.error().message.find("SECRET"), std::string::npos);
  EXPECT_EQ(signed_request.error().message.find("TOKEN"), std::string::npos);
}

TEST(Sigv4Rules, FormatsAmzDate) {
  EXPECT_EQ(FormatAmzDate(*ParseRfc3339("2015-08-30T12:36:00Z")), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(*ParseRfc3339("2024-02-29T23:59:59.999Z")), "20240229T235959Z");
}

}  // namespace
}  // namespace audex
