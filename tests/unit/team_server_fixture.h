// What the team server's API tests share: a TeamServer on a real SQLite
// store in a temporary directory, a scripted STS, a fixed clock the test
// moves, API tokens with groups, and a loopback-free webhook receiver that
// records what the notifier posts (thread-safe: the notifier sends from
// its own thread).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/audit/session_id.h"
#include "server/team/team_server.h"
#include "support/scripted_http.h"

namespace audex {

inline constexpr char kFixtureRole[] = "arn:aws:iam::123456789012:role/team";
inline constexpr char kFixtureWebhook[] = "http://hooks.test/services/T0/B0/SECRETPATH";

// An AssumeRole reply with access key `key`, secret "SECRET-<key>" and an
// expiry at `expiration` (RFC 3339).
inline HttpResult AssumedReply(const std::string& key,
                               const std::string& expiration = "2026-01-01T12:15:00Z") {
  HttpResponse response;
  response.status = 200;
  response.body =
      "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>" + key +
      "</AccessKeyId><SecretAccessKey>SECRET-" + key + "</SecretAccessKey><SessionToken>TOKEN-" +
      key + "</SessionToken><Expiration>" + expiration +
      "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROATEAM:audex-x</"
      "AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/team/audex-x</Arn></AssumedRoleUser></"
      "AssumeRoleResult></AssumeRoleResponse>";
  return response;
}

class TeamServerFixture : public ::testing::Test {
 protected:
  // Tests change the configuration here before SetUp builds the server.
  virtual void Configure(ServerConfig&) {}
  // ... and add to the server process's environment (GCP and Azure base
  // tokens, their endpoints).
  virtual void ConfigureEnvironment(Environment&) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audex-team-fixture-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    TeamStoreOptions options;
    options.audit_key = SecretString(std::string(32, 'k'));
    options.clock = [this] { return now_; };
    auto store = OpenTeamStore((dir_ / "team.db").string(), options);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->Migrate());
    store_ = store->get();

    config_.source = "server.toml";
    config_.store = (dir_ / "team.db").string();
    config_.state_dir = dir_.string();
    config_.role_arn = kFixtureRole;
    config_.region = "us-east-1";
    config_.deny = DenyList{{"iam:*"}, "server.toml"};
    config_.sts_cache = true;
    Configure(config_);

    World world;
    world.environment = {{"AWS_ACCESS_KEY_ID", "AKIASERVERBASE000001"},
                         {"AWS_SECRET_ACCESS_KEY", "server-base-secret"},
                         {"AWS_ENDPOINT_URL", "http://sts.test"},
                         {"HOME", dir_.string()}};
    ConfigureEnvironment(world.environment);
    world.env = LookupIn(world.environment);
    world.clock = [this] { return now_; };
    world.random = [this](size_t count) -> Result<std::string> {
      std::string bytes(count, '\0');
      for (char& byte : bytes) byte = static_cast<char>(++counter_);
      return bytes;
    };
    world.http = [this](const CurlHttpOptions&) -> std::unique_ptr<HttpClient> {
      return std::make_unique<Router>(*this);
    };
    world.notify = [](NoticeLevel, const std::string&) {};
    server_ = std::make_unique<TeamServer>(config_, std::move(*store), world,
                                           SecretString(std::string(32, 'c')),
                                           [this](const nlohmann::json& line) {
                                             std::lock_guard lock(mutex_);
                                             logs_.push_back(line);
                                           });
  }

  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A new API token for `policy` named `name`, in `groups`; its value.
  std::string MakeToken(const std::string& name, const std::string& policy,
                        std::vector<std::string> groups = {}) {
    auto secret = NewApiTokenSecret();
    EXPECT_TRUE(secret);
    ApiToken token;
    token.id = SessionIdFromRandom(name + "-token-id");
    token.name = name;
    token.policy = policy;
    token.token_sha256 = ApiTokenHash(*secret);
    token.created_by = "test";
    token.created_at = now_;
    token.groups = std::move(groups);
    AuditEvent created;
    created.session_id = token.id;
    created.name = "token_created";
    EXPECT_TRUE(
        store_->Transact([&](TeamTransaction& tx) { return tx.InsertApiToken(token, created); }));
    return secret->Reveal();
  }

  ApiResponse Call(const std::string& method, const std::string& path, const std::string& body,
                   const std::string& token, std::map<std::string, std::string> query = {}) {
    ApiRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.query = std::move(query);
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return server_->Handle(request);
  }

  // The grant's container-credentials endpoint with its bearer token.
  ApiResponse Credentials(const std::string& grant_id, const std::string& bearer) {
    ApiRequest request;
    request.method = "GET";
    request.path = "/v1/grants/" + grant_id + "/credentials";
    request.headers["authorization"] = bearer;
    return server_->Handle(request);
  }

  std::vector<AuditLine> Lines() {
    AuditQuery query;
    query.limit = 1000;
    auto lines = store_->ReadAudit(query);
    EXPECT_TRUE(lines);
    return lines ? *lines : std::vector<AuditLine>{};
  }

  std::vector<std::string> Events() {
    std::vector<std::string> names;
    for (const AuditLine& line : Lines()) names.push_back(line.event.name);
    return names;
  }

  // What the webhook received, once the notifier is idle.
  std::vector<nlohmann::json> Hooks() {
    if (auto hook = server_->webhook()) {
      EXPECT_TRUE(hook->Drain(std::chrono::seconds(10)));
    }
    std::lock_guard lock(mutex_);
    std::vector<nlohmann::json> bodies;
    for (const HttpRequest& request : hooked_)
      bodies.push_back(nlohmann::json::parse(request.body));
    return bodies;
  }

  // STS calls so far (the scripted client's record).
  size_t StsCalls() { return sts_.sent.size(); }

  // STS requests go to the script; the webhook's to a recorder answering
  // `hook_status`.
  class Router : public HttpClient {
   public:
    explicit Router(TeamServerFixture& to) : to_(to) {}
    HttpResult Send(const HttpRequest& request) override {
      if (request.url.rfind("http://hooks.test", 0) == 0) {
        std::lock_guard lock(to_.mutex_);
        to_.hooked_.push_back(request);
        HttpResponse response;
        response.status = to_.hook_status_;
        response.body = "ok";
        return response;
      }
      return to_.sts_.Send(request);
    }

   private:
    TeamServerFixture& to_;
  };

  std::filesystem::path dir_;
  std::chrono::system_clock::time_point now_ =
      std::chrono::sys_days(std::chrono::year{2026} / 1 / 1) + std::chrono::hours(12);
  int counter_ = 0;
  ServerConfig config_;
  ScriptedHttpClient sts_;
  TeamStore* store_ = nullptr;
  std::unique_ptr<TeamServer> server_;
  std::mutex mutex_;
  std::vector<HttpRequest> hooked_;
  int hook_status_ = 200;
  std::vector<nlohmann::json> logs_;
};

}  // namespace audex
