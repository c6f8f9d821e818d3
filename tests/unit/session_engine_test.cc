// The session engine (session/session.h) carried out in a made-up world: a
// scripted STS, a fixed clock, counting randomness and a stand-in child,
// with the real audit log and session files in a temporary directory. No
// network, no process.
#include "session/session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "core/audit/audit_chain.h"
#include "core/audit/audit_event.h"
#include "core/base/exit_codes.h"
#include "core/wire/url.h"
#include "session/credential_reuse.h"
#include "session/learn.h"
#include "session/replay.h"
#include "support/scripted_http.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

using std::chrono::seconds;

constexpr char kRole[] = "arn:aws:iam::123456789012:role/dev";
constexpr char kBaseKey[] = "AKIABASEEXAMPLE00001";
constexpr char kBaseSecret[] = "BASE/SECRET+KEY/0123456789abcdefghijklmn";

std::string AssumeRoleReply(const std::string& key, const std::string& secret,
                            const std::string& expiration) {
  return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>" + key +
         "</AccessKeyId><SecretAccessKey>" + secret + "</SecretAccessKey><SessionToken>TOKEN-" +
         key + "</SessionToken><Expiration>" + expiration +
         "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:audex-x</"
         "AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/dev/audex-x</Arn></"
         "AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
}

HttpResult Reply(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Answers every run with `outcome` and remembers what it was asked.
class StandInChild : public ChildRunner {
 public:
  std::vector<ChildSpec> runs;
  tl::expected<ChildOutcome, SpawnError> outcome = ChildOutcome{0, std::nullopt, std::nullopt};
  std::string printed;  // what the child "writes" to stdout when captured
  // Set: the kernel "refuses" the sandbox with this reason.
  std::optional<std::string> refuse_sandbox;

  ChildRun Run(const ChildSpec& spec) override {
    runs.push_back(spec);
    if (spec.sandbox && refuse_sandbox && spec.on_sandbox_refused) {
      spec.on_sandbox_refused(*refuse_sandbox);
    }
    ChildRun run;
    run.outcome = outcome;
    if (spec.capture) {
      run.out.text = printed;
      run.out.total_bytes = printed.size();
    }
    return run;
  }
  void Finish(const ChildRun&) override {}
  SandboxSupport Sandbox() override { return {true, ""}; }

  std::optional<std::string> Variable(const std::string& name) const {
    for (const auto& [key, value] : runs.back().environment) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
};

class SessionEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(home_.empty());
    environment_ = {{"HOME", home_.string()},
                    {"AUDEX_HOME", (home_ / "audex").string()},
                    {"AWS_ACCESS_KEY_ID", kBaseKey},
                    {"AWS_SECRET_ACCESS_KEY", kBaseSecret},
                    {"AWS_ENDPOINT_URL", "http://sts.test:4566"},
                    {"AWS_REGION", "eu-west-1"},
                    {"PATH", "/usr/bin:/bin"}};
  }

  World MakeWorld() {
    World world;
    world.environment = environment_;
    world.env = LookupIn(environment_);
    world.paths = ResolvePaths(world.env);
    world.clock = [this] { return now_; };
    world.random = [this](size_t count) -> Result<std::string> {
      std::string bytes(count, '\0');
      for (char& byte : bytes) byte = static_cast<char>(++counter_);
      return bytes;
    };
    world.http = [this](const CurlHttpOptions&) -> std::unique_ptr<HttpClient> {
      return std::make_unique<Forward>(sts_);
    };
    world.children = &child_;
    world.notify = [this](NoticeLevel level, const std::string& message) {
      notices_.push_back(NoticeLine(level, message));
    };
    return world;
  }

  Result<PlannedSession> Plan(World& world, SessionRequest request) {
    if (!request.role_arn && !request.scope_current) request.role_arn = kRole;
    if (request.command.empty()) request.command = {"aws", "s3", "ls"};
    return PlanRequest(request, world);
  }

  SessionRequest Asking(std::string allow) {
    SessionRequest request;
    request.allow = std::move(allow);
    return request;
  }

  // The events of the audit log, in order, after checking the chain.
  std::vector<std::string> Events(World& world) {
    AuditLog log(world.paths.state_dir);
    auto files = log.Read();
    EXPECT_TRUE(files.has_value());
    if (!files || !files->log) return {};
    EXPECT_TRUE(VerifyAuditChain(*files).has_value());
    std::vector<std::string> names;
    for (const NumberedLine& line : ParseAuditLog(*files->log)) {
      if (line.line) names.push_back(line.line->event.name);
    }
    return names;
  }

  std::vector<AuditLine> Lines(World& world) {
    AuditLog log(world.paths.state_dir);
    auto files = log.Read();
    std::vector<AuditLine> lines;
    if (!files || !files->log) return lines;
    for (const NumberedLine& line : ParseAuditLog(*files->log)) {
      if (line.line) lines.push_back(*line.line);
    }
    return lines;
  }

  // The per-call clients the engine makes all send to one script.
  class Forward : public HttpClient {
   public:
    explicit Forward(ScriptedHttpClient& to) : to_(to) {}
    HttpResult Send(const HttpRequest& request) override { return to_.Send(request); }

   private:
    ScriptedHttpClient& to_;
  };

  TempDir dir_{"audex-engine"};
  std::filesystem::path home_ = dir_.path();
  Environment environment_;
  std::chrono::system_clock::time_point now_ =
      std::chrono::sys_days(std::chrono::year{2026} / 1 / 1) + std::chrono::hours(12);
  int counter_ = 0;
  ScriptedHttpClient sts_;
  StandInChild child_;
  std::vector<std::string> notices_;
};

// The form's value of `name`, decoded.
std::string FormValue(const std::string& body, const std::string& name) {
  const std::string key = name + "=";
  size_t at = 0;
  while ((at = body.find(key, at)) != std::string::npos) {
    if (at == 0 || body[at - 1] == '&') {
      const size_t end = body.find('&', at);
      return PercentDecode(body.substr(
          at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size()));
    }
    at += key.size();
  }
  return "";
}

TEST_F(SessionEngineTest, AssumesTheRoleWithThePlansPolicyAndRecordsEachStepInOrder) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject,s3:ListBucket"));
  ASSERT_TRUE(planned) << planned.error().message;
  sts_.script.push_back(Reply(
      200, AssumeRoleReply("ASIAISSUED0000000001", "ISSUED/SECRET/1", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session) << session.error().message;

  ASSERT_EQ(sts_.sent.size(), 1u);
  const HttpRequest& call = sts_.sent[0];
  EXPECT_EQ(call.url, "http://sts.test:4566/");
  EXPECT_EQ(FormValue(call.body, "Action"), "AssumeRole");
  EXPECT_EQ(FormValue(call.body, "RoleArn"), kRole);
  EXPECT_EQ(FormValue(call.body, "RoleSessionName"), "audex-" + (*session)->id());
  EXPECT_EQ(FormValue(call.body, "DurationSeconds"), "900");
  EXPECT_EQ(FormValue(call.body, "Policy"), planned->plan.policy_json);
  EXPECT_EQ(Events(world), (std::vector<std::string>{"session_created", "credentials_issued"}));

  child_.outcome = ChildOutcome{3, std::nullopt, std::nullopt};
  auto ran = (*session)->RunChild({planned->plan.command, {}, std::nullopt, {}});
  ASSERT_TRUE(ran);
  EXPECT_EQ(ran->status, 3);
  EXPECT_EQ(child_.runs.back().argv, planned->plan.command);
  EXPECT_EQ(child_.Variable("AWS_ACCESS_KEY_ID"), "ASIAISSUED0000000001");
  EXPECT_EQ(child_.Variable("AWS_SECRET_ACCESS_KEY"), "ISSUED/SECRET/1");
  EXPECT_EQ(child_.Variable("AUDEX_SESSION_ID"), (*session)->id());
  EXPECT_EQ(child_.Variable("AWS_REGION"), "eu-west-1");
  for (const auto& [key, value] : child_.runs.back().environment) {
    EXPECT_NE(value, kBaseSecret) << key << " carries the base secret";
  }
  EXPECT_FALSE(child_.runs.back().deadline.has_value());
  EXPECT_EQ(Events(world),
            (std::vector<std::string>{"session_created", "credentials_issued", "session_ended"}));
  const std::vector<AuditLine> lines = Lines(world);
  EXPECT_EQ(lines.back().event.fields["exit_code"], 3);

  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->status, SessionStatus::kEnded);
  EXPECT_EQ(record->exit_code, 3);
  EXPECT_EQ(record->access_key_id, "ASIAISSUED0000000001");
  EXPECT_EQ(record->role, kRole);
}

TEST_F(SessionEngineTest, TheCommandRunsInTheSandboxThatHidesTheStores) {
  World world = MakeWorld();
  world.working_directory = (home_ / "work").string();
  auto planned = Plan(world, Asking("s3:ListBucket"));
  ASSERT_TRUE(planned);
  EXPECT_TRUE(planned->plan.sandbox);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAISSUED0000000010", "S10", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  ASSERT_TRUE((*session)->RunChild({planned->plan.command, {}, std::nullopt, {}}));
  const ChildSpec& spec = child_.runs.back();
  ASSERT_TRUE(spec.sandbox.has_value());
  std::vector<std::string> hidden;
  for (const HiddenPath& path : spec.sandbox->hidden) hidden.push_back(path.path);
  // AUDEX_HOME (state and configuration) and the clouds' stores under HOME.
  for (const std::filesystem::path& path :
       {home_ / "audex", home_ / ".aws", home_ / ".config" / "gcloud", home_ / ".azure"}) {
    EXPECT_NE(std::find(hidden.begin(), hidden.end(), path.string()), hidden.end()) << path;
  }
  EXPECT_TRUE(notices_.empty()) << notices_.front();
}

TEST_F(SessionEngineTest, NoSandboxRunsTheCommandWithoutOne) {
  World world = MakeWorld();
  SessionRequest request = Asking("s3:ListBucket");
  request.sandbox = false;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned);
  EXPECT_FALSE(planned->plan.sandbox);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAISSUED0000000011", "S11", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  ASSERT_TRUE((*session)->RunChild({planned->plan.command, {}, std::nullopt, {}}));
  EXPECT_FALSE(child_.runs.back().sandbox.has_value());
}

TEST_F(SessionEngineTest, SandboxFalseInTheConfigurationTurnsItOff) {
  std::filesystem::create_directories(home_ / "audex");
  std::ofstream(home_ / "audex" / "config.toml") << "sandbox = false\n";
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:ListBucket"));
  ASSERT_TRUE(planned) << planned.error().message;
  EXPECT_FALSE(planned->plan.sandbox);
  SessionRequest forced = Asking("s3:ListBucket");
  forced.sandbox = true;
  auto overridden = Plan(world, forced);
  ASSERT_TRUE(overridden);
  EXPECT_TRUE(overridden->plan.sandbox);
}

TEST_F(SessionEngineTest, AKernelThatRefusesTheSandboxIsToldToTheUserWithTheReason) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:ListBucket"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAISSUED0000000012", "S12", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  child_.refuse_sandbox = "user namespaces are disabled";
  auto ran = (*session)->RunChild({planned->plan.command, {}, std::nullopt, {}});
  ASSERT_TRUE(ran);
  EXPECT_EQ(ran->status, 0);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_NE(notices_[0].find("tryaudex: warning: the command runs without the sandbox: user "
                             "namespaces are disabled"),
            std::string::npos)
      << notices_[0];
  EXPECT_NE(notices_[0].find("sandbox = false"), std::string::npos) << notices_[0];
}

TEST_F(SessionEngineTest, ASessionThatRunsACommandNamesItsOwnerProcess) {
  World world = MakeWorld();
  world.self = SessionOwner{777, 123456};
  auto planned = Plan(world, Asking("s3:ListBucket"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAISSUED0000000013", "S13", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->owner, (SessionOwner{777, 123456}));
  EXPECT_EQ(StateAt(*record, now_, [](const SessionOwner&) { return false; }),
            SessionState::kAbandoned);
}

TEST_F(SessionEngineTest, AChildKilledByASignalEndsWith128PlusTheSignal) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:ListBucket"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAISSUED0000000002", "S2", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  child_.outcome = ChildOutcome{std::nullopt, 9, std::nullopt};
  auto ran = (*session)->RunChild({planned->plan.command, {}, std::nullopt, {}});
  ASSERT_TRUE(ran);
  EXPECT_EQ(ran->status, 137);
  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->signal, 9);
  EXPECT_FALSE(record->exit_code.has_value());
}

TEST_F(SessionEngineTest, ACommandThatIsNotFoundEndsWith127AndSaysWhy) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:ListBucket"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAISSUED0000000003", "S3", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  child_.outcome = tl::unexpected(SpawnError{SpawnFailure::kNotFound, "command not found: nope"});
  auto ran = (*session)->RunChild({{"nope"}, {}, std::nullopt, {}});
  ASSERT_TRUE(ran);
  EXPECT_EQ(ran->status, 127);
  EXPECT_EQ(ran->spawn_error, "command not found: nope");
  ASSERT_FALSE(notices_.empty());
  EXPECT_EQ(notices_.back(), "tryaudex: error: command not found: nope");
  EXPECT_EQ(Lines(world).back().event.fields["exit_code"], 127);
}

TEST_F(SessionEngineTest, AnStsRefusalIsRecordedAsFailedAndReturned) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(
      403,
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not "
      "authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>"));
  auto session = Session::Start(*planned, world);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(session.error().message.find("AccessDenied"), std::string::npos)
      << session.error().message;
  EXPECT_EQ(Events(world), (std::vector<std::string>{"session_created", "credentials_failed"}));
  auto listing = SessionStore(world.paths.state_dir).List();
  ASSERT_TRUE(listing);
  ASSERT_EQ(listing->sessions.size(), 1u);
  EXPECT_EQ(listing->sessions[0].status, SessionStatus::kFailed);
  EXPECT_TRUE(child_.runs.empty());
}

TEST_F(SessionEngineTest, NoBaseCredentialsRecordsNothing) {
  UnsetVariable(environment_, "AWS_ACCESS_KEY_ID");
  UnsetVariable(environment_, "AWS_SECRET_ACCESS_KEY");
  SetVariable(environment_, "AWS_SHARED_CREDENTIALS_FILE", (home_ / "none").string());
  SetVariable(environment_, "AWS_CONFIG_FILE", (home_ / "none").string());
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  auto session = Session::Start(*planned, world);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::kCredentials);
  EXPECT_TRUE(sts_.sent.empty());
  EXPECT_FALSE(std::filesystem::exists(world.paths.state_dir / "audit.jsonl"));
}

TEST_F(SessionEngineTest, TheCacheAnswersASecondIdenticalRequestWithoutSts) {
  World world = MakeWorld();
  SessionRequest request = Asking("s3:GetObject");
  request.cache = CacheChoice::kOn;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned);
  ASSERT_TRUE(planned->plan.aws->use_cache);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIACACHED0000000001", "CACHED/1", "2026-01-01T12:15:00Z")));
  auto first = Session::Start(*planned, world);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(sts_.sent.size(), 1u);

  auto second = Session::Start(*planned, world);  // the cache hit
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ((*second)->CurrentCredentials().access_key_id, "ASIACACHED0000000001");
  const std::vector<AuditLine> lines = Lines(world);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3].event.name, "credentials_cache_hit");
  EXPECT_EQ(lines[3].event.session_id, (*second)->id());
  EXPECT_EQ(lines[3].event.fields["origin_session"], (*first)->id());

  // Ten minutes before expiry is inside the 5-minute margin no longer:
  // 4 minutes before is, and STS is asked again.
  now_ += std::chrono::minutes(11);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAFRESH00000000001", "FRESH/1", "2026-01-01T12:26:00Z")));
  auto third = Session::Start(*planned, world);
  ASSERT_TRUE(third);
  EXPECT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ((*third)->CurrentCredentials().access_key_id, "ASIAFRESH00000000001");
}

// credential-process: one session per issued credential. A cache hit is a
// credentials_reused event on the session that asked STS, not a session of
// its own; a request that runs a command, or finds nothing reusable, is
// left to Session::Start.
TEST_F(SessionEngineTest, ACredentialProcessCacheHitIsAnEventOnTheIssuingSession) {
  World world = MakeWorld();
  SessionRequest request = Asking("s3:GetObject");
  request.cache = CacheChoice::kOn;
  request.role_arn = kRole;  // no command: what credential-process plans
  auto planned = PlanRequest(request, world);
  ASSERT_TRUE(planned) << planned.error().message;
  auto nothing_yet = ReuseCachedCredentials(*planned, world);
  ASSERT_TRUE(nothing_yet) << nothing_yet.error().message;
  EXPECT_FALSE(*nothing_yet);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIACACHED0000000001", "CACHED/1", "2026-01-01T12:15:00Z")));
  auto issuing = Session::Start(*planned, world);
  ASSERT_TRUE(issuing) << issuing.error().message;
  const SessionStore store(world.paths.state_dir);
  ASSERT_EQ(store.List()->sessions.size(), 1u);

  for (int hit = 0; hit < 3; ++hit) {
    auto reused = ReuseCachedCredentials(*planned, world);
    ASSERT_TRUE(reused) << reused.error().message;
    ASSERT_TRUE(*reused);
    EXPECT_EQ((*reused)->access_key_id, "ASIACACHED0000000001");
    EXPECT_EQ((*reused)->secret_access_key.Reveal(), "CACHED/1");
    EXPECT_EQ((*reused)->session_token.Reveal(), "TOKEN-ASIACACHED0000000001");
  }
  EXPECT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ(store.List()->sessions.size(), 1u);
  const std::vector<AuditLine> lines = Lines(world);
  ASSERT_EQ(lines.size(), 5u);  // session_created, credentials_issued, 3 reuses
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(lines[i].event.name, "credentials_reused");
    EXPECT_EQ(lines[i].event.session_id, (*issuing)->id());
    EXPECT_EQ(lines[i].event.fields["access_key_id"], "ASIACACHED0000000001");
  }
  EXPECT_EQ(Events(world).size(), 5u);  // and the chain verifies

  // A run is a session of its own (it has an outcome): never reused here.
  auto run = Plan(world, request);
  ASSERT_TRUE(run);
  auto not_for_run = ReuseCachedCredentials(*run, world);
  ASSERT_TRUE(not_for_run);
  EXPECT_FALSE(*not_for_run);
  // Inside the margin the entry is stale: STS is asked again.
  now_ += std::chrono::minutes(11);
  auto stale = ReuseCachedCredentials(*planned, world);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  EXPECT_EQ(Lines(world).size(), 5u);
}

// docs/credential-cache.md: a cache key that is not private is refused
// (exit 5), not worked around with a warning: whoever could read it can
// read every cached secret. Neither the entry it would open nor STS is used.
TEST_F(SessionEngineTest, ACacheKeyOthersCanReadIsRefusedWithExit5) {
  World world = MakeWorld();
  SessionRequest request = Asking("s3:GetObject");
  request.cache = CacheChoice::kOn;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIACACHED0000000001", "CACHED/1", "2026-01-01T12:15:00Z")));
  ASSERT_TRUE(Session::Start(*planned, world));
  const std::filesystem::path key = world.paths.state_dir / "cache.key";
  ASSERT_TRUE(std::filesystem::exists(key));
  std::filesystem::permissions(key, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);

  // With an entry to open, and without one (another policy).
  SessionRequest other = Asking("s3:PutObject");
  other.cache = CacheChoice::kOn;
  auto other_planned = Plan(world, other);
  ASSERT_TRUE(other_planned);
  for (const PlannedSession* attempt : {&*planned, &*other_planned}) {
    auto refused = Session::Start(*attempt, world);
    ASSERT_FALSE(refused) << "a session started with a cache key others can read";
    EXPECT_EQ(ExitCodeFor(refused.error().kind), 5) << refused.error().message;
    EXPECT_NE(refused.error().message.find(key.string()), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("tryaudex cache clear"), std::string::npos)
        << refused.error().message;
  }
  EXPECT_EQ(sts_.sent.size(), 1u) << "STS was asked despite the refused key";
}

TEST_F(SessionEngineTest, ACacheOfAnotherPolicyIsNotUsed) {
  World world = MakeWorld();
  SessionRequest one = Asking("s3:GetObject");
  one.cache = CacheChoice::kOn;
  SessionRequest other = Asking("s3:PutObject");
  other.cache = CacheChoice::kOn;
  auto first = Plan(world, one);
  auto second = Plan(world, other);
  ASSERT_TRUE(first && second);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAONE", "ONE", "2026-01-01T12:15:00Z")));
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIATWO", "TWO", "2026-01-01T12:15:00Z")));
  ASSERT_TRUE(Session::Start(*first, world));
  auto session = Session::Start(*second, world);
  ASSERT_TRUE(session);
  EXPECT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ((*session)->CurrentCredentials().access_key_id, "ASIATWO");
}

TEST_F(SessionEngineTest, RefreshAsksStsAgainAndIsRefusedOnceTheChildHasEnded) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAFIRST", "F1", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  now_ += std::chrono::minutes(10);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIASECOND", "F2", "2026-01-01T12:25:00Z")));
  ASSERT_TRUE((*session)->Refresh(seconds(900)));
  EXPECT_EQ((*session)->CurrentCredentials().access_key_id, "ASIASECOND");
  EXPECT_EQ((*session)->issued_at(), now_);
  ASSERT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ(FormValue(sts_.sent[1].body, "RoleSessionName"), "audex-" + (*session)->id());
  const std::vector<AuditLine> lines = Lines(world);
  EXPECT_EQ(lines.back().event.name, "credentials_refreshed");
  EXPECT_EQ(lines.back().event.fields["refresh"], 1);

  ASSERT_TRUE((*session)->RunChild({planned->plan.command, {}, std::nullopt, {}}));
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIATHIRD", "F3", "2026-01-01T12:40:00Z")));
  auto late = (*session)->Refresh(seconds(900));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, ErrorKind::kState);
  EXPECT_EQ((*session)->CurrentCredentials().access_key_id, "ASIASECOND");
  EXPECT_EQ(Events(world).back(), "session_ended");
}

TEST_F(SessionEngineTest, AFailedRefreshKeepsTheOldCredentials) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAKEEP", "K1", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  sts_.script.push_back(
      Reply(403,
            "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>"
            "</ErrorResponse>"));
  EXPECT_FALSE((*session)->Refresh(seconds(900)));
  EXPECT_EQ((*session)->CurrentCredentials().access_key_id, "ASIAKEEP");
  EXPECT_EQ(Events(world).back(), "credentials_issued");
}

TEST_F(SessionEngineTest, CapturedOutputHasTheSessionsSecretsMasked) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(200, AssumeRoleReply("ASIAPRINTED", "PRINTED/SECRET/KEY", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  child_.printed = "key=PRINTED/SECRET/KEY token=TOKEN-ASIAPRINTED\n";
  auto ran = (*session)->RunChild({planned->plan.command, {}, CaptureOptions{}, {}});
  ASSERT_TRUE(ran);
  EXPECT_EQ(ran->out.text.find("PRINTED/SECRET/KEY"), std::string::npos) << ran->out.text;
  EXPECT_EQ(ran->out.text.find("TOKEN-ASIAPRINTED"), std::string::npos) << ran->out.text;
  EXPECT_NE(ran->out.text.find("key="), std::string::npos);
}

TEST_F(SessionEngineTest, TheEnvironmentCanBeAdjustedLast) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAADJ", "A1", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  ChildRequest request{planned->plan.command,
                       [](Environment& environment) {
                         SetVariable(environment, "AWS_CSM_ENABLED", "true");
                         UnsetVariable(environment, "AWS_REGION");
                       },
                       std::nullopt,
                       {}};
  ASSERT_TRUE((*session)->RunChild(request));
  EXPECT_EQ(child_.Variable("AWS_CSM_ENABLED"), "true");
  EXPECT_FALSE(child_.Variable("AWS_REGION").has_value());
}

TEST_F(SessionEngineTest, AFailedPreparationEndsTheSessionUnrun) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAPREP", "P1", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  ChildRequest request{planned->plan.command, {}, std::nullopt, [](Environment&) -> Result<void> {
                         return StateError("the observer cannot start; use --source csm");
                       }};
  auto ran = (*session)->RunChild(request);
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().message, "the observer cannot start; use --source csm");
  EXPECT_TRUE(child_.runs.empty());
  EXPECT_EQ(Events(world),
            (std::vector<std::string>{"session_created", "credentials_issued", "session_ended"}));
  EXPECT_EQ(Lines(world).back().event.fields["exit_code"], 126);
}

TEST_F(SessionEngineTest, TheBrokerIsInThePlanAndItsChildVariables) {
  World world = MakeWorld();
  SessionRequest request = Asking("s3:GetObject");
  request.broker = true;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned) << planned.error().message;
  ASSERT_TRUE(planned->plan.aws->broker.has_value());
  EXPECT_FALSE(planned->plan.aws->broker->allow_credential_calls);
  const std::vector<std::string>& names = planned->plan.child_variables;
  EXPECT_NE(std::find(names.begin(), names.end(), "AWS_ENDPOINT_URL"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "AWS_SESSION_TOKEN"), names.end());

  SessionRequest gcp = Asking("storage.objects.get");
  gcp.provider = "gcp";
  gcp.broker = true;
  auto refused = Plan(world, gcp);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  EXPECT_NE(refused.error().message.find("drop --broker"), std::string::npos)
      << refused.error().message;
}

TEST_F(SessionEngineTest, ScopeCurrentCallsGetScopedCredentialsWithoutARole) {
  SetVariable(environment_, "AWS_SESSION_TOKEN", "BASE-SESSION-TOKEN");
  World world = MakeWorld();
  SessionRequest request = Asking("s3:GetObject");
  request.scope_current = true;
  request.ttl = "30m";
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned) << planned.error().message;
  EXPECT_EQ(planned->plan.aws->method, AwsIssueMethod::kScopedCurrent);
  sts_.script.push_back(
      Reply(200,
            "<GetScopedCredentialsResponse><GetScopedCredentialsResult><Credentials><AccessKeyId>"
            "ASIASCOPED</AccessKeyId><SecretAccessKey>SC</SecretAccessKey><SessionToken>ST</"
            "SessionToken><Expiration>2026-01-01T12:30:00Z</Expiration></Credentials></"
            "GetScopedCredentialsResult></GetScopedCredentialsResponse>"));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session) << session.error().message;
  ASSERT_EQ(sts_.sent.size(), 1u);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "Action"), "GetScopedCredentials");
  EXPECT_EQ(FormValue(sts_.sent[0].body, "DurationSeconds"), "1800");
  EXPECT_EQ(Events(world), (std::vector<std::string>{"session_created", "credentials_scoped"}));
  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->role, "");
}

TEST_F(SessionEngineTest, ThePlanRefusesScopeCurrentOnTheGlobalEndpointBeforeAnyCall) {
  SetVariable(environment_, "AWS_ENDPOINT_URL", "https://sts.amazonaws.com");
  World world = MakeWorld();
  SessionRequest request = Asking("s3:GetObject");
  request.scope_current = true;
  auto planned = Plan(world, request);
  ASSERT_FALSE(planned);
  EXPECT_EQ(planned.error().kind, ErrorKind::kUsage);
  EXPECT_NE(planned.error().message.find("regional STS endpoint"), std::string::npos);
  EXPECT_TRUE(sts_.sent.empty());
}

TEST_F(SessionEngineTest, AnAgentIdInTheEnvironmentIsRecorded) {
  SetVariable(environment_, "AUDEX_AGENT_ID", "claude-code");
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAAGENT", "AG", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session);
  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->agent_id, "claude-code");
}

// --- issue 20: chains, session tags, replay -------------------------------

TEST_F(SessionEngineTest, AChainAssumesEachRoleWithThePreviousCredentials) {
  World world = MakeWorld();
  SessionRequest request = Asking("s3:ListBucket");
  request.chain = {"arn:aws:iam::123456789012:role/second"};
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned) << planned.error().message;
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAHOP1", "HOP1", "2026-01-01T12:15:00Z")));
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAHOP2", "HOP2", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session) << session.error().message;
  ASSERT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "RoleArn"), kRole);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "Policy"), "");
  EXPECT_EQ(FormValue(sts_.sent[1].body, "RoleArn"), "arn:aws:iam::123456789012:role/second");
  EXPECT_EQ(FormValue(sts_.sent[1].body, "Policy"), planned->plan.policy_json);
  // The second hop is signed with the first hop's key, not the base key.
  const auto authorization = [](const HttpRequest& call) {
    for (const auto& [name, value] : call.headers) {
      if (name == "Authorization") return value;
    }
    return std::string();
  };
  EXPECT_NE(authorization(sts_.sent[0]).find("Credential=" + std::string(kBaseKey)),
            std::string::npos);
  EXPECT_NE(authorization(sts_.sent[1]).find("Credential=ASIAHOP1/"), std::string::npos);
  EXPECT_EQ((*session)->CurrentCredentials().access_key_id, "ASIAHOP2");
  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->chain, std::vector<std::string>{"arn:aws:iam::123456789012:role/second"});
  EXPECT_EQ(Lines(world).front().event.fields["chain"][0], "arn:aws:iam::123456789012:role/second");
}

TEST_F(SessionEngineTest, TagSessionTagsThePolicyTheStsCallAndTheChild) {
  World world = MakeWorld();
  SessionRequest request = Asking("dynamodb:CreateTable");
  request.tag_session = true;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned) << planned.error().message;
  const std::string tag = "audex-session=" + planned->session_id;
  EXPECT_NE(planned->plan.policy_json.find("\"aws:RequestTag/audex-session\":\"" +
                                           planned->session_id + "\""),
            std::string::npos);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIATAG", "TAG", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session) << session.error().message;
  // The plan's id is the session's: the policy names the session that runs.
  EXPECT_EQ((*session)->id(), planned->session_id);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "Tags.member.1.Key"), "audex-session");
  EXPECT_EQ(FormValue(sts_.sent[0].body, "Tags.member.1.Value"), planned->session_id);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "TransitiveTagKeys.member.1"), "");
  auto ran = (*session)->RunChild({planned->plan.command, {}, std::nullopt, {}});
  ASSERT_TRUE(ran);
  EXPECT_EQ(child_.Variable("AUDEX_SESSION_TAG"), tag);
  auto record = SessionStore(world.paths.state_dir).Load((*session)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->session_tag, tag);
  EXPECT_EQ(Lines(world).front().event.fields["session_tag"], tag);
}

TEST_F(SessionEngineTest, ARoleWithoutTagSessionGetsTheSessionWithoutTagsAndAWarning) {
  World world = MakeWorld();
  SessionRequest request = Asking("dynamodb:CreateTable");
  request.tag_session = true;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
            "arn:aws:iam::123456789012:user/u is not authorized to perform: sts:TagSession on "
            "resource: arn:aws:iam::123456789012:role/dev</Message></Error></ErrorResponse>"));
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIANOTAG", "NT", "2026-01-01T12:15:00Z")));
  auto session = Session::Start(*planned, world);
  ASSERT_TRUE(session) << session.error().message;
  ASSERT_EQ(sts_.sent.size(), 2u);
  EXPECT_EQ(FormValue(sts_.sent[0].body, "Tags.member.1.Key"), "audex-session");
  EXPECT_EQ(FormValue(sts_.sent[1].body, "Tags.member.1.Key"), "");
  // The policy is the same: it enforces the tag by itself.
  EXPECT_EQ(FormValue(sts_.sent[1].body, "Policy"), planned->plan.policy_json);
  bool warned = false;
  for (const std::string& notice : notices_) {
    warned = warned || notice.find("sts:TagSession") != std::string::npos;
  }
  EXPECT_TRUE(warned);
  const std::vector<AuditLine> lines = Lines(world);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].event.fields["session_tags_refused"], true);
}

TEST_F(SessionEngineTest, AnotherAccessDeniedIsNotRetriedWithoutTags) {
  World world = MakeWorld();
  SessionRequest request = Asking("dynamodb:CreateTable");
  request.tag_session = true;
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned);
  sts_.script.push_back(
      Reply(403,
            "<ErrorResponse><Error><Code>AccessDenied</Code><Message>not authorized to perform: "
            "sts:AssumeRole</Message></Error></ErrorResponse>"));
  auto session = Session::Start(*planned, world);
  ASSERT_FALSE(session);
  EXPECT_EQ(sts_.sent.size(), 1u);
}

TEST_F(SessionEngineTest, AReplayRunsTheSamePlanAndSaysWhatItReplays) {
  World world = MakeWorld();
  SessionRequest request = Asking("dynamodb:CreateTable,s3:GetObject");
  request.tag_session = true;
  request.ttl = "20m";
  auto planned = Plan(world, request);
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAORIG", "O", "2026-01-01T12:20:00Z")));
  auto original = Session::Start(*planned, world);
  ASSERT_TRUE(original);
  ASSERT_TRUE((*original)->RunChild({planned->plan.command, {}, std::nullopt, {}}));

  auto replay = PlanReplay({(*original)->id(), {}}, world);
  ASSERT_TRUE(replay) << replay.error().message;
  EXPECT_EQ(replay->plan.policy_json, planned->plan.policy_json);  // byte for byte
  EXPECT_EQ(replay->plan.ttl, std::chrono::seconds(1200));
  EXPECT_EQ(replay->plan.command, planned->plan.command);
  EXPECT_EQ(replay->replay_of, (*original)->id());
  EXPECT_NE(replay->session_id, (*original)->id());
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAREPLAY", "R", "2026-01-01T12:20:00Z")));
  auto again = Session::Start(*replay, world);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(FormValue(sts_.sent.back().body, "Policy"), planned->plan.policy_json);
  auto record = SessionStore(world.paths.state_dir).Load((*again)->id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->replay_of, (*original)->id());
  // The replay's tag is the original's, so the policy and the tag agree.
  EXPECT_EQ(record->session_tag, "audex-session=" + (*original)->id());
  const std::vector<AuditLine> lines = Lines(world);
  ASSERT_GE(lines.size(), 2u);
  const AuditLine& created = lines[lines.size() - 2];
  EXPECT_EQ(created.event.name, "session_created");
  EXPECT_EQ(created.event.session_id, (*again)->id());
  EXPECT_EQ(created.event.fields["replay_of"], (*original)->id());
}

TEST_F(SessionEngineTest, AReplayIsRefusedWhenTheConfigurationNowPlansItDifferently) {
  World world = MakeWorld();
  auto planned = Plan(world, Asking("s3:GetObject,s3:PutObject"));
  ASSERT_TRUE(planned);
  sts_.script.push_back(Reply(200, AssumeRoleReply("ASIAONE", "O", "2026-01-01T12:15:00Z")));
  auto original = Session::Start(*planned, world);
  ASSERT_TRUE(original);
  // The deny list now removes one of the actions.
  std::filesystem::create_directories(world.paths.DenyListFile().parent_path());
  std::ofstream(world.paths.DenyListFile()) << "[deny]\nactions = [\"s3:PutObject\"]\n";
  auto replay = PlanReplay({(*original)->id(), {}}, world);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(replay.error().message.find("the session policy differs"), std::string::npos);
}

}  // namespace
}  // namespace audex
