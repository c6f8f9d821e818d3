// run --broker carried out by the session engine with the real forwarding
// endpoint: the child gets placeholders and the endpoint's URL, a credential
// call it signs is refused unless the plan allows it, a request signed with
// another secret is refused, and every call is a broker_call audit line
// written before session_ended. The World scripts STS; the endpoint's
// upstream (Audex's AWS_ENDPOINT_URL) is a loopback server that counts what
// reaches it, so "nothing forwarded" is observed, not assumed.
#include <httplib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "adapters/http/curl_http_client.h"
#include "adapters/store/audit_log.h"
#include "core/audit/audit_chain.h"
#include "core/wire/sigv4.h"
#include "session/session.h"
#include "support/scripted_http.h"

namespace audex {
namespace {

constexpr char kRole[] = "arn:aws:iam::123456789012:role/dev";
constexpr char kSessionKey[] = "ASIASESSIONKEY000001";
constexpr char kSessionSecret[] = "SESSION/SECRET/abcdefghijklmnopqrstuvw";

std::string AssumeRoleReply() {
  return std::string("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>") +
         kSessionKey + "</AccessKeyId><SecretAccessKey>" + kSessionSecret +
         "</SecretAccessKey><SessionToken>SESSION-TOKEN</SessionToken><Expiration>"
         "2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:x"
         "</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/dev/x</Arn>"
         "</AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
}

// The endpoint's upstream: counts requests and keeps their Authorization.
class CountingUpstream {
 public:
  CountingUpstream() {
    server_.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex_);
      authorizations_.push_back(request.get_header_value("Authorization"));
      response.set_content("<AssumeRoleResponse/>", "text/xml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~CountingUpstream() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> authorizations() {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> authorizations_;
};

std::optional<std::string> Get(const Environment& environment, const std::string& name) {
  for (const auto& [key, value] : environment) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// A stand-in child: what an SDK pointed at AWS_ENDPOINT_URL sends, made
// while the session runs; each reply is kept.
class SigningChild : public ChildRunner {
 public:
  Environment environment;
  std::vector<HttpResponse> replies;

  ChildRun Run(const ChildSpec& spec) override {
    environment = spec.environment;
    const std::string url = Get(environment, "AWS_ENDPOINT_URL").value_or("");
    AwsCredentials placeholder;
    placeholder.access_key_id = Get(environment, "AWS_ACCESS_KEY_ID").value_or("");
    placeholder.secret_access_key =
        SecretString(Get(environment, "AWS_SECRET_ACCESS_KEY").value_or(""));
    AwsCredentials forged = placeholder;
    forged.secret_access_key = SecretString("not-the-secret-audex-handed-out");
    Send(url, placeholder, "AssumeRole&RoleArn=" + std::string(kRole) + "&RoleSessionName=c");
    Send(url, forged, "GetCallerIdentity");
    ChildRun run;
    run.outcome = ChildOutcome{0, std::nullopt, std::nullopt};
    return run;
  }
  void Finish(const ChildRun&) override {}
  SandboxSupport Sandbox() override { return {true, ""}; }

 private:
  void Send(const std::string& url, const AwsCredentials& credentials, const std::string& action) {
    HttpRequest request;
    request.method = "POST";
    request.url = url + "/";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = "Action=" + action + "&Version=2011-06-15";
    auto signed_request = SignV4(request, credentials, SigV4Scope{"us-east-1", "sts"},
                                 std::chrono::system_clock::now());
    ASSERT_TRUE(signed_request) << signed_request.error().message;
    CurlHttpClient http;
    auto reply = http.Send(*signed_request);
    ASSERT_TRUE(reply) << reply.error().message;
    replies.push_back(*reply);
  }
};

// The fields of the broker_call line with `error_code` (the two calls'
// lines are written as their exchanges end, in either order).
const nlohmann::json& BrokerCall(const std::vector<AuditLine>& lines,
                                 const std::string& error_code) {
  static const nlohmann::json kNone;
  for (const AuditLine& line : lines) {
    if (line.event.name == "broker_call" &&
        line.event.fields.value("error_code", std::string()) == error_code) {
      return line.event.fields;
    }
  }
  ADD_FAILURE() << "no broker_call with error_code \"" << error_code << "\"";
  return kNone;
}

class BrokerSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("audex-broker-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  World MakeWorld() {
    const Environment environment = {{"HOME", home_.string()},
                                     {"AUDEX_HOME", (home_ / "audex").string()},
                                     {"AWS_ACCESS_KEY_ID", "AKIABASEEXAMPLE00001"},
                                     {"AWS_SECRET_ACCESS_KEY", "BASE/SECRET/KEY"},
                                     {"AWS_ENDPOINT_URL", upstream_.url()},
                                     {"AWS_REGION", "us-east-1"},
                                     {"PATH", "/usr/bin:/bin"}};
    World world;
    world.environment = environment;
    world.env = LookupIn(environment);
    world.paths = ResolvePaths(world.env);
    world.clock = [] { return std::chrono::system_clock::now(); };
    world.random = [this](size_t count) -> Result<std::string> {
      std::string bytes(count, '\0');
      for (char& byte : bytes) byte = static_cast<char>(++counter_);
      return bytes;
    };
    world.http = [this](const CurlHttpOptions&) -> std::unique_ptr<HttpClient> {
      auto sts = std::make_unique<ScriptedHttpClient>();
      HttpResponse reply;
      reply.status = 200;
      reply.body = AssumeRoleReply();
      sts->script.push_back(reply);
      ++sts_calls_;
      return sts;
    };
    world.children = &child_;
    world.notify = [](NoticeLevel, const std::string&) {};
    return world;
  }

  // The session's audit lines, after checking the chain.
  std::vector<AuditLine> Lines(const World& world) {
    AuditLog log(world.paths.state_dir);
    auto files = log.Read();
    std::vector<AuditLine> lines;
    if (!files || !files->log) return lines;
    EXPECT_TRUE(VerifyAuditChain(*files).has_value());
    for (const NumberedLine& line : ParseAuditLog(*files->log)) {
      if (line.line) lines.push_back(*line.line);
    }
    return lines;
  }

  Result<ChildResult> RunBrokered(World& world, bool allow_credential_calls) {
    SessionRequest request;
    request.allow = "sts:GetCallerIdentity";
    request.role_arn = kRole;
    request.broker = true;
    request.allow_credential_calls = allow_credential_calls;
    request.command = {"sdk-child"};
    auto planned = PlanRequest(request, world);
    if (!planned) return tl::unexpected(planned.error());
    auto session = Session::Start(*planned, world);
    if (!session) return tl::unexpected(session.error());
    return (*session)->RunChild({planned->plan.command, {}, std::nullopt, {}});
  }

  std::filesystem::path home_;
  CountingUpstream upstream_;
  SigningChild child_;
  int counter_ = 0;
  int sts_calls_ = 0;
};

TEST_F(BrokerSessionTest, CredentialCallsAndForgedRequestsAreRefusedAndAuditedBeforeTheEnd) {
  World world = MakeWorld();
  auto ran = RunBrokered(world, /*allow_credential_calls=*/false);
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(ran->status, 0);

  // The child held placeholders and the endpoint's URL, nothing of the session's.
  const Environment& child = child_.environment;
  EXPECT_EQ(Get(child, "AWS_ACCESS_KEY_ID").value_or("").substr(0, 4), "AUDX");
  EXPECT_FALSE(Get(child, "AWS_SESSION_TOKEN").has_value());
  EXPECT_EQ(Get(child, "AWS_ENDPOINT_URL").value_or("").rfind("http://127.0.0.1:", 0), 0u);
  for (const auto& [name, value] : child) {
    EXPECT_EQ(value.find(kSessionKey), std::string::npos) << name;
    EXPECT_EQ(value.find(kSessionSecret), std::string::npos) << name;
    EXPECT_EQ(value.find("SESSION-TOKEN"), std::string::npos) << name;
  }

  ASSERT_EQ(child_.replies.size(), 2u);
  EXPECT_EQ(child_.replies[0].status, 403);
  EXPECT_NE(child_.replies[0].body.find("<Code>AccessDenied</Code>"), std::string::npos)
      << child_.replies[0].body;
  EXPECT_NE(child_.replies[0].body.find("--allow-credential-calls"), std::string::npos);
  EXPECT_EQ(child_.replies[1].status, 403);
  EXPECT_NE(child_.replies[1].body.find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_TRUE(upstream_.authorizations().empty()) << "a refused request was forwarded";

  std::vector<std::string> names;
  for (const AuditLine& line : Lines(world)) names.push_back(line.event.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"session_created", "credentials_issued", "broker_started",
                                      "broker_call", "broker_call", "session_ended"}));
  const std::vector<AuditLine> lines = Lines(world);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[2].event.fields["placeholder_access_key_id"],
            Get(child, "AWS_ACCESS_KEY_ID").value_or(""));
  const nlohmann::json& assume = BrokerCall(lines, "AccessDenied");
  ASSERT_FALSE(assume.is_null());
  EXPECT_EQ(assume["service"], "STS");
  EXPECT_EQ(assume["operation"], "AssumeRole");
  EXPECT_EQ(assume["refused"], true);
  EXPECT_EQ(assume["status"], 403);
  EXPECT_EQ(BrokerCall(lines, "SignatureDoesNotMatch").value("refused", false), true);
}

TEST_F(BrokerSessionTest, AllowedCredentialCallsAreForwardedSignedWithTheSession) {
  World world = MakeWorld();
  auto ran = RunBrokered(world, /*allow_credential_calls=*/true);
  ASSERT_TRUE(ran) << ran.error().message;
  ASSERT_EQ(child_.replies.size(), 2u);
  EXPECT_EQ(child_.replies[0].status, 200) << child_.replies[0].body;
  // Only the AssumeRole reached upstream, re-signed with the session's key.
  const std::vector<std::string> forwarded = upstream_.authorizations();
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_NE(forwarded[0].find(std::string("Credential=") + kSessionKey + "/"), std::string::npos)
      << forwarded[0];
  const std::vector<AuditLine> lines = Lines(world);
  ASSERT_EQ(lines.size(), 6u);
  const nlohmann::json& assume = BrokerCall(lines, "");
  ASSERT_FALSE(assume.is_null());
  EXPECT_EQ(assume["operation"], "AssumeRole");
  EXPECT_EQ(assume["refused"], false);
  EXPECT_EQ(assume["status"], 200);
  EXPECT_EQ(lines.back().event.name, "session_ended");
}

}  // namespace
}  // namespace audex
