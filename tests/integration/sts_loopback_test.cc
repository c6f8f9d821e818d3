// StsClient and CurlHttpClient against a loopback server that misbehaves on
// purpose (cpp-httplib): timeouts, 500s then success, throttling then
// success, garbage XML, a closed port. Retries must be bounded and errors
// clear.
#include <httplib.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

#include "adapters/aws/sts_client.h"
#include "adapters/http/curl_http_client.h"
#include "support/loopback_http_server.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

const std::string kIssuedSecret = "LOOPBACK/ISSUED/SECRET+KEY";
const std::string kIssuedToken = "LOOPBACK-ISSUED-TOKEN";

std::string SuccessBody() {
  return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIALOOP</AccessKeyId>"
         "<SecretAccessKey>" +
         kIssuedSecret + "</SecretAccessKey><SessionToken>" + kIssuedToken +
         "</SessionToken><Expiration>2030-01-01T00:00:00.000000Z</Expiration></Credentials>"
         "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/"
         "s"
         "</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
}

// A server on 127.0.0.1 and a free port whose POST / answers with
// `respond(attempt number)`.
class ScriptedServer {
 public:
  using Responder = std::function<void(int attempt, const httplib::Request&, httplib::Response&)>;

  explicit ScriptedServer(Responder respond) : respond_(std::move(respond)) {
    loopback_.http().Post("/",
                          [this](const httplib::Request& request, httplib::Response& response) {
                            const int attempt = ++attempts_;
                            last_body_ = request.body;
                            respond_(attempt, request, response);
                          });
    loopback_.http().Get("/headers", [](const httplib::Request&, httplib::Response& response) {
      response.set_header("X-Mixed-Case", "Value With Spaces");
      response.set_content("ok", "text/plain");
    });
    loopback_.Start();
  }

  std::string Url() const { return loopback_.Url(); }
  int attempts() const { return attempts_; }
  std::string last_body() const { return last_body_; }

 private:
  Responder respond_;
  std::atomic<int> attempts_{0};
  std::string last_body_;
  LoopbackHttpServer<> loopback_;  // last: it stops before the members its routes use
};

AwsCredentials Base() {
  AwsCredentials base;
  base.access_key_id = "AKIALOOPBACK";
  base.secret_access_key = SecretString("loopback-base-secret");
  base.source = "environment";
  return base;
}

AssumeRoleRequest Request() {
  return AssumeRoleRequest{
      "arn:aws:iam::123456789012:role/r",
      "audex-loop",
      std::chrono::seconds(900),
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a b/*"}]})",
      {},
      {},
      {},
      {}};
}

CurlHttpOptions WithTimeouts(HttpTimeouts timeouts) {
  CurlHttpOptions options;
  options.timeouts = timeouts;
  return options;
}

struct LoopbackClient {
  CurlHttpClient http;
  StsClient client;
  explicit LoopbackClient(const std::string& endpoint,
                          HttpTimeouts timeouts = {milliseconds(1000), milliseconds(2000)})
      : http(WithTimeouts(timeouts)), client(http, [&] {
          StsClientOptions options;
          options.endpoint = endpoint;
          options.retry.max_attempts = 3;
          options.retry.base_delay = milliseconds(20);
          options.retry.max_delay = milliseconds(100);
          return options;
        }()) {}
};

void ExpectNoSecrets(const std::string& message) {
  for (const std::string& secret :
       {kIssuedSecret, kIssuedToken, std::string("loopback-base-secret")}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
}

TEST(StsLoopback, ServerErrorsThenSuccess) {
  ScriptedServer server([](int attempt, const httplib::Request&, httplib::Response& response) {
    if (attempt <= 2) {
      response.status = 500;
      response.set_content(
          "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>", "text/xml");
    } else {
      response.set_content(SuccessBody(), "text/xml");
    }
  });
  LoopbackClient setup(server.Url());
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(server.attempts(), 3);
  EXPECT_EQ(role->credentials.access_key_id, "ASIALOOP");
  // The policy reached the server with %20 for the space, no '+'.
  EXPECT_NE(server.last_body().find("a%20b"), std::string::npos);
  EXPECT_EQ(server.last_body().find('+'), std::string::npos);
}

TEST(StsLoopback, ThrottlingThenSuccess) {
  ScriptedServer server([](int attempt, const httplib::Request&, httplib::Response& response) {
    if (attempt == 1) {
      response.status = 400;
      response.set_content(
          "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
          "</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
          "text/xml");
    } else {
      response.set_content(SuccessBody(), "text/xml");
    }
  });
  LoopbackClient setup(server.Url());
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(server.attempts(), 2);
}

TEST(StsLoopback, PersistentThrottlingIsBounded) {
  ScriptedServer server([](int, const httplib::Request&, httplib::Response& response) {
    response.status = 429;
    response.set_content("<Error><Code>ThrottlingException</Code></Error>", "text/xml");
  });
  LoopbackClient setup(server.Url());
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(server.attempts(), 3);
  EXPECT_NE(role.error().message.find("after 3 attempts"), std::string::npos)
      << role.error().message;
  EXPECT_NE(role.error().message.find("ThrottlingException"), std::string::npos);
}

TEST(StsLoopback, TimeoutIsRetriedThenReported) {
  ScriptedServer server([](int, const httplib::Request&, httplib::Response& response) {
    std::this_thread::sleep_for(milliseconds(800));
    response.set_content(SuccessBody(), "text/xml");
  });
  LoopbackClient setup(server.Url(), HttpTimeouts{milliseconds(500), milliseconds(250)});
  const auto started = steady_clock::now();
  const auto role = setup.client.AssumeRole(Request(), Base());
  const auto elapsed = steady_clock::now() - started;
  ASSERT_FALSE(role);
  EXPECT_EQ(setup.client.last_attempts(), 3);
  EXPECT_NE(role.error().message.find("timeout"), std::string::npos) << role.error().message;
  EXPECT_NE(role.error().message.find("within 250 ms"), std::string::npos);
  // Three attempts of 250 ms plus at most 300 ms of backoff, with slack.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  ExpectNoSecrets(role.error().message);
}

TEST(StsLoopback, TimeoutThenSuccess) {
  ScriptedServer server([](int attempt, const httplib::Request&, httplib::Response& response) {
    if (attempt == 1) std::this_thread::sleep_for(milliseconds(800));
    response.set_content(SuccessBody(), "text/xml");
  });
  LoopbackClient setup(server.Url(), HttpTimeouts{milliseconds(500), milliseconds(300)});
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(setup.client.last_attempts(), 2);
}

TEST(StsLoopback, GarbageXmlIsNotRetriedAndSaysSo) {
  ScriptedServer server([](int, const httplib::Request&, httplib::Response& response) {
    response.set_content("<AssumeRoleResponse><Credentials><SecretAccessKey>" + kIssuedSecret +
                             "</SecretAcc\x01\x02",
                         "text/xml");
  });
  LoopbackClient setup(server.Url());
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(server.attempts(), 1);
  EXPECT_NE(role.error().message.find("not valid XML"), std::string::npos) << role.error().message;
  ExpectNoSecrets(role.error().message);
}

TEST(StsLoopback, PolicyErrorIsNeverRetried) {
  ScriptedServer server([](int, const httplib::Request&, httplib::Response& response) {
    response.status = 400;
    response.set_content(
        "<ErrorResponse><Error><Code>MalformedPolicyDocument</Code><Message>bad</Message></Error>"
        "</ErrorResponse>",
        "text/xml");
  });
  LoopbackClient setup(server.Url());
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(server.attempts(), 1);
  EXPECT_NE(role.error().message.find("--dry-run"), std::string::npos);
}

TEST(StsLoopback, ClosedPortIsAConnectionFailureRetriedAndBounded) {
  std::string url;
  {
    ScriptedServer server([](int, const httplib::Request&, httplib::Response&) {});
    url = server.Url();
  }  // stopped: nobody listens on that port now
  LoopbackClient setup(url);
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(setup.client.last_attempts(), 3);
  EXPECT_NE(role.error().message.find("connection failure"), std::string::npos)
      << role.error().message;
  EXPECT_NE(role.error().message.find(url), std::string::npos);
}

TEST(StsLoopback, ResponseHeaderNamesAreLowerCased) {
  ScriptedServer server([](int, const httplib::Request&, httplib::Response&) {});
  CurlHttpClient http;
  const auto reply = http.Send(HttpRequest{"GET", server.Url() + "/headers", {}, ""});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "ok");
  bool found = false;
  for (const auto& [name, value] : reply->headers) {
    if (name == "x-mixed-case") found = value == "Value With Spaces";
    EXPECT_EQ(name, [&] {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return lower;
    }());
  }
  EXPECT_TRUE(found);
}

TEST(StsLoopback, HttpsToAPlainServerIsATlsFailure) {
  ScriptedServer server([](int, const httplib::Request&, httplib::Response&) {});
  std::string https = server.Url();
  https.replace(0, 4, "https");
  LoopbackClient setup(https);
  const auto role = setup.client.AssumeRole(Request(), Base());
  ASSERT_FALSE(role);
  EXPECT_EQ(setup.client.last_attempts(), 1);
  EXPECT_NE(role.error().message.find("TLS"), std::string::npos) << role.error().message;
}

// A self-signed certificate for 127.0.0.1 is refused unless its issuer is
// given as the CA bundle: verification is on, and AWS_CA_BUNDLE-style
// trust works.
TEST(StsLoopback, CertificatesAreVerified) {
  const TempDir dir("audex-tls");
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      key + "' -out '" + cert + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl cannot make a test certificate";
  LoopbackHttpServer<httplib::SSLServer> server(cert.c_str(), key.c_str());
  server.http().Post("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(SuccessBody(), "text/xml");
  });
  server.Start();
  const std::string url = server.Url();

  LoopbackClient untrusting(url);
  const auto refused = untrusting.client.AssumeRole(Request(), Base());
  CurlHttpOptions trusting_options;
  trusting_options.ca_bundle = cert;
  CurlHttpClient trusting_http(trusting_options);
  StsClientOptions options;
  options.endpoint = url;
  StsClient trusting(trusting_http, options);
  const auto accepted = trusting.AssumeRole(Request(), Base());

  server.Stop();

  ASSERT_FALSE(refused);
  EXPECT_EQ(untrusting.client.last_attempts(), 1);
  EXPECT_NE(refused.error().message.find("TLS failure"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("AWS_CA_BUNDLE"), std::string::npos);
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(accepted->credentials.access_key_id, "ASIALOOP");
}

}  // namespace
}  // namespace audex
