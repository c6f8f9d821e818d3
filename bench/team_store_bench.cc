// The team store's write paths: audit appends and grant inserts (each its
// own committed transaction, serialised on the chain's head), rate-limit
// takes and jti sightings, from 1, 4 and 16 threads (a replica's request
// threads; concurrent Transacts of one replica share a commit). SQLite always, in a temporary file;
// PostgreSQL when AUDEX_BENCH_PG_URL names a cluster (bench/team_store_bench.sh starts one), in a
// fresh database that is dropped afterwards.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "adapters/store/random_bytes.h"
#include "adapters/teamstore/team_store.h"

namespace audex {
namespace {

const SecretString& BenchKey() {
  static const SecretString key(std::string(kAuditKeySize, 'b'));
  return key;
}

std::string Id() {
  auto id = NewSessionId();
  return id ? *id : std::string();
}

AuditEvent Event(std::string session_id, std::string name) {
  AuditEvent event;
  event.session_id = std::move(session_id);
  event.name = std::move(name);
  event.fields = {{"caller", "ci-deploy"},
                  {"profile", "s3-read"},
                  {"role", "arn:aws:iam::123456789012:role/deploy"},
                  {"actions", {"s3:GetObject", "s3:ListBucket"}}};
  return event;
}

Grant MakeGrant(const std::string& id) {
  Grant grant;
  grant.id = id;
  grant.caller = "ci-deploy";
  grant.provider = "aws";
  grant.role = "arn:aws:iam::123456789012:role/deploy";
  grant.profile = "s3-read";
  grant.requested_actions = {"s3:GetObject", "s3:List*"};
  grant.actions = {"s3:GetObject", "s3:ListBucket"};
  grant.resources = {"arn:aws:s3:::bucket/*"};
  grant.policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]})";
  grant.ttl = std::chrono::seconds(900);
  grant.rule = "ci";
  grant.created_at = std::chrono::system_clock::now();
  grant.updated_at = grant.created_at;
  return grant;
}

// One store per backend for the whole run, migrated, shared by the
// benchmark's threads as a replica's request threads share it.
struct Backend {
  std::string url;
  std::unique_ptr<TeamStore> store;
};
std::map<std::string, Backend>& Backends() {
  static std::map<std::string, Backend> backends;
  return backends;
}

bool OpenBackend(const std::string& name, const std::string& url) {
  TeamStoreOptions options;
  options.audit_key = BenchKey();
  options.max_connections = 8;
  auto store = OpenTeamStore(url, options);
  if (!store) {
    std::cerr << name << ": " << store.error().message << "\n";
    return false;
  }
  if (auto migrated = (*store)->Migrate(); !migrated) {
    std::cerr << name << ": " << migrated.error().message << "\n";
    return false;
  }
  Backends()[name] = Backend{url, std::move(*store)};
  return true;
}

void AuditAppend(benchmark::State& state, const std::string& backend) {
  TeamStore& store = *Backends().at(backend).store;
  for (auto _ : state) {
    auto seq = store.AppendAudit(Event(Id(), "request_refused"));
    if (!seq) state.SkipWithError(seq.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

void GrantInsert(benchmark::State& state, const std::string& backend) {
  TeamStore& store = *Backends().at(backend).store;
  for (auto _ : state) {
    const Grant grant = MakeGrant(Id());
    auto inserted = store.Transact([&](TeamTransaction& tx) {
      return tx.InsertGrant(grant, Event(grant.id, "grant_requested"));
    });
    if (!inserted) state.SkipWithError(inserted.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

void RateTake(benchmark::State& state, const std::string& backend) {
  TeamStore& store = *Backends().at(backend).store;
  // Each thread its own caller, as requests of different callers.
  const std::string key = fmt::format("caller:bench-{}", state.thread_index());
  const RateLimit limit{1'000'000, 1'000'000.0};
  for (auto _ : state) {
    auto taken = store.TakeRateToken(key, limit, std::chrono::system_clock::now());
    if (!taken) state.SkipWithError(taken.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

void JtiOnce(benchmark::State& state, const std::string& backend) {
  TeamStore& store = *Backends().at(backend).store;
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    auto fresh = store.RememberJti("https://token.actions.githubusercontent.com", Id(),
                                   now + std::chrono::minutes(5), now);
    if (!fresh || !*fresh) state.SkipWithError("a fresh jti was not accepted");
  }
  state.SetItemsProcessed(state.iterations());
}

void Register(const std::string& backend) {
  for (const auto& [name, function] : std::initializer_list<
           std::pair<const char*, void (*)(benchmark::State&, const std::string&)>>{
           {"AuditAppend", AuditAppend},
           {"GrantInsert", GrantInsert},
           {"RateTake", RateTake},
           {"JtiOnce", JtiOnce}}) {
    for (int threads : {1, 4, 16}) {
      benchmark::RegisterBenchmark(fmt::format("{}/{}", name, backend).c_str(), function, backend)
          ->Threads(threads)
          ->UseRealTime()
          ->MinTime(2.0);
    }
  }
}

}  // namespace
}  // namespace audex

int main(int argc, char** argv) {
  using namespace audex;
  char dir_template[] = "/tmp/audex-team-store-bench-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  if (dir == nullptr) return 1;
  bool ok = OpenBackend("sqlite", std::string(dir) + "/team.db");
  if (ok) Register("sqlite");

  std::string pg_database;
  std::unique_ptr<SqlConnection> admin;
  if (const char* pg = std::getenv("AUDEX_BENCH_PG_URL"); ok && pg != nullptr && *pg != '\0') {
    const std::string base = pg;
    auto connected = OpenPostgresConnection(SecretString(base), RedactStoreUrl(base));
    if (!connected) {
      std::cerr << connected.error().message << "\n";
      return 1;
    }
    admin = std::move(*connected);
    pg_database = fmt::format("audex_bench_{}", ::getpid());
    if (auto made = admin->Exec("CREATE DATABASE " + pg_database, {}); !made) {
      std::cerr << "CREATE DATABASE: " << made.error().message << "\n";
      return 1;
    }
    ok = OpenBackend("postgres", base.substr(0, base.rfind('/') + 1) + pg_database);
    if (ok) Register("postgres");
  }

  if (ok) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  }
  Backends().clear();  // closes the connections before the database is dropped
  if (admin) admin->Exec("DROP DATABASE " + pg_database, {});
  std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}
