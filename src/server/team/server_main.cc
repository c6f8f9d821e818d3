// tryaudex-server: the team server (docs/team-mode.md) and its operator
// commands. `tryaudex server ...` runs this program; it is a binary of its
// own so that the server's libraries (the HTTP server, TLS, libpq, SQLite,
// cjose) never load when the CLI starts.
//
//   tryaudex server [serve] --config server.toml [--ready-file F]
//   tryaudex server migrate --config server.toml
//   tryaudex server token create --config F --name N --policy P [--ttl 90d]
//                                [--group G]...
//   tryaudex server token list|revoke ...
//   tryaudex server audit verify|export ...
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "adapters/config/server_toml.h"
#include "adapters/files/files.h"
#include "adapters/files/key_file.h"
#include "adapters/process/child_process.h"
#include "adapters/process/environment_block.h"
#include "adapters/store/random_bytes.h"
#include "adapters/teamstore/team_store.h"
#include "core/audit/audit_chain.h"
#include "core/audit/session_id.h"
#include "core/base/exit_codes.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/credentials/credential_cache.h"
#include "core/plan/ttl.h"
#include "server/team/http_frontend.h"
#include "server/team/team_server.h"

namespace audex {
namespace {

constexpr char kAuditKeyFile[] = "server-audit.key";
constexpr char kCacheKeyFile[] = "server-cache.key";

// One JSON line per event on stderr (journald, container logs); never a
// secret: messages come from errors, which never carry one.
void LogLine(nlohmann::json line) {
  static std::mutex mutex;
  line["ts"] = FormatRfc3339(std::chrono::system_clock::now());
  std::lock_guard lock(mutex);
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

int Fail(const Error& error) {
  std::cerr << "tryaudex server: error: " << error.message << '\n';
  return ExitCodeFor(error.kind);
}

int Fail(const tl::unexpected<Error>& error) { return Fail(error.value()); }

Result<ServerConfig> LoadConfig(const std::string& path) {
  std::vector<std::string> warnings;
  auto config = LoadServerConfig(path, &warnings);
  for (const std::string& warning : warnings) {
    std::cerr << "tryaudex server: warning: " << warning << '\n';
  }
  return config;
}

Result<SecretString> RequireKey(const ServerConfig& config, const char* file, const char* what) {
  const std::filesystem::path path = std::filesystem::path(config.state_dir) / file;
  auto key = ReadKeyFile(path, kAuditKeySize, what);
  if (!key) return tl::unexpected(key.error());
  if (!*key) {
    return StateError(fmt::format(
        "{} has no {} ({}); run tryaudex server migrate --config {} first (it creates the keys)",
        config.state_dir, what, path.string(), config.source));
  }
  return std::move(**key);
}

Result<std::unique_ptr<TeamStore>> OpenStore(const ServerConfig& config, bool need_key) {
  TeamStoreOptions options;
  if (need_key) {
    auto key = RequireKey(config, kAuditKeyFile, "audit key");
    if (!key) return tl::unexpected(key.error());
    options.audit_key = std::move(*key);
  }
  options.max_connections = std::max<size_t>(config.threads, 2);
  return OpenTeamStore(config.store, std::move(options));
}

std::string Operator(const Environment& environment) {
  for (const auto& [name, value] : environment) {
    if (name == "USER" && !value.empty()) return "operator:" + value;
  }
  return "operator:uid" + std::to_string(::getuid());
}

// ----------------------------------------------------------------- serve

// Grants left `issuing` by a replica that stopped between recording them
// and recording their issue are failed: the store then holds no grant
// half-written. Expired jti sightings, full rate buckets and expired STS
// cache entries are purged. Revocation Denies come off their roles once
// their sessions expired, and go on again where IAM refused them.
void Janitor(TeamServer& server, std::chrono::seconds issuing_timeout,
             const std::atomic<bool>& stopping) {
  const auto every =
      std::clamp(issuing_timeout / 2, std::chrono::seconds(1), std::chrono::seconds(30));
  while (!stopping) {
    for (auto waited = std::chrono::seconds(0); waited < every && !stopping;
         waited += std::chrono::seconds(1)) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (stopping) break;
    TeamStore& store = server.store();
    const TimePoint now = std::chrono::system_clock::now();
    (void)store.PurgeExpiredJtis(now);
    (void)store.PurgeFullRateBuckets(now);
    (void)store.PurgeExpiredStsCache(now);
    server.SweepRevocations();
    server.ExpireApprovalRequests();
    GrantFilter filter;
    filter.status = GrantStatus::kIssuing;
    auto stale = store.ListGrants(filter, PageRequest{"", 100});
    if (!stale) continue;
    for (const Grant& grant : stale->items) {
      if (now - grant.updated_at < issuing_timeout) continue;
      GrantChange failed;
      failed.status = GrantStatus::kFailed;
      failed.status_reason = "the replica handling it stopped before recording the issue";
      TeamCaller caller{grant.caller, "", "janitor", {}, {}};
      (void)store.Transact([&](TeamTransaction& tx) -> Result<bool> {
        return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, failed,
                              GrantFailedEvent(grant, caller, failed.status_reason));
      });
    }
  }
}

int Serve(const std::string& config_path, const std::optional<std::string>& ready_file) {
  // Signals go to the thread that waits for them, never to a worker.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  auto store = OpenStore(*config, true);
  if (!store) return Fail(store.error());
  if (auto schema = (*store)->RequireCurrentSchema(); !schema) return Fail(schema.error());
  auto cache_key = RequireKey(*config, kCacheKeyFile, "STS cache key");
  if (!cache_key) return Fail(cache_key.error());

  World world = SystemWorld(CurrentEnvironment(), [](NoticeLevel level, const std::string& m) {
    LogLine({{"level", level == NoticeLevel::kError ? "error" : "warning"}, {"msg", m}});
  });
  TeamServer server(*config, std::move(*store), world, std::move(*cache_key), LogLine);
  // A server.toml unlike the last one recorded is an audit event
  // (server_policy_changed, with the old and new text).
  if (auto recorded = server.RecordServerPolicy("start"); !recorded) {
    return Fail(recorded.error());
  }
  auto frontend = HttpFrontend::Bind(*config, server);
  if (!frontend) return Fail(frontend.error());
  const std::string url = fmt::format("{}://{}:{}", config->tls_cert ? "https" : "http",
                                      (*frontend)->host(), (*frontend)->port());
  LogLine({{"level", "info"},
           {"msg", "listening"},
           {"url", url},
           {"store", server.store().display()},
           {"pid", ::getpid()}});
  if (ready_file) {
    if (auto written = ReplaceFileAtomically(*ready_file, url + "\n"); !written) {
      return Fail(written.error());
    }
  }

  std::atomic<bool> stopping{false};
  std::atomic<bool> waiter_done{false};
  std::thread janitor([&] { Janitor(server, config->issuing_timeout, stopping); });
  std::thread waiter([&] {
    for (;;) {
      int received = 0;
      if (sigwait(&signals, &received) != 0) continue;
      if (received == SIGHUP) {
        auto fresh = LoadConfig(config_path);
        if (!fresh) {
          LogLine({{"level", "error"},
                   {"msg", "reload refused; the old configuration stays"},
                   {"error", fresh.error().message}});
        } else {
          server.Reload(std::move(*fresh));
          LogLine({{"level", "info"}, {"msg", "reloaded"}, {"config", config_path}});
          if (auto recorded = server.RecordServerPolicy("reload"); !recorded) {
            LogLine({{"level", "error"},
                     {"msg", "the policy change could not be audited"},
                     {"error", recorded.error().message}});
          }
        }
        continue;
      }
      LogLine({{"level", "info"}, {"msg", "stopping: finishing requests in flight"}});
      stopping = true;
      server.StartDraining();
      (*frontend)->Stop();
      waiter_done = true;
      return;
    }
  });
  (*frontend)->Run();
  stopping = true;
  // Run returned without a signal (the socket failed): wake the waiter,
  // which takes the process's blocked SIGTERM.
  if (!waiter_done) kill(getpid(), SIGTERM);
  waiter.join();
  janitor.join();
  LogLine({{"level", "info"}, {"msg", "stopped"}});
  return kExitOk;
}

// --------------------------------------------------------------- migrate

int Migrate(const std::string& config_path) {
  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  for (const char* file : {kAuditKeyFile, kCacheKeyFile}) {
    auto random = RandomBytes(kAuditKeySize);
    if (!random) return Fail(random.error());
    auto key = CreateKeyFile(std::filesystem::path(config->state_dir) / file,
                             SecretString(std::move(*random)),
                             file == kAuditKeyFile ? "audit key" : "STS cache key");
    if (!key) return Fail(key.error());
  }
  auto store = OpenStore(*config, true);
  if (!store) return Fail(store.error());
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  auto report = (*store)->Migrate([terminal](const MigrationProgress& progress) {
    if (progress.phase == MigrationProgress::Phase::kStarting) {
      std::cerr << fmt::format("tryaudex server: migration {}: {}{}", progress.version,
                               progress.description, terminal ? " ..." : "\n");
    } else {
      std::cerr << fmt::format("{}tryaudex server: migration {} applied in {} ms\n",
                               terminal ? "\r" : "", progress.version, progress.elapsed.count());
    }
  });
  if (!report) return Fail(report.error());
  std::cout << fmt::format("Schema at version {} (was {}; applied {})\n", report->to, report->from,
                           report->applied.empty() ? "nothing"
                                                   : Join(
                                                         [&] {
                                                           std::vector<std::string> versions;
                                                           for (int v : report->applied)
                                                             versions.push_back(std::to_string(v));
                                                           return versions;
                                                         }(),
                                                         ", "));
  return kExitOk;
}

// ----------------------------------------------------------------- tokens

int TokenCreate(const std::string& config_path, const std::string& name, const std::string& policy,
                const std::optional<std::string>& ttl_text,
                const std::vector<std::string>& groups) {
  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  if (config->policy.Find(policy) == nullptr) {
    std::vector<std::string> names;
    for (const ServerRule& rule : config->policy.rules) names.push_back(rule.name);
    return Fail(UsageError(
        fmt::format("--policy {}: {} has no [policies.{}]{}", policy, config->source, policy,
                    names.empty() ? "; add one" : "; it has " + Join(names, ", "))));
  }
  if (name.empty() || name.size() > 128) {
    return Fail(UsageError("--name must be 1 to 128 characters, e.g. --name ci-deploy"));
  }
  for (const std::string& group : groups) {
    if (group.empty() || group.size() > 128 ||
        group.find_first_of(" \t\r\n,") != std::string::npos) {
      return Fail(UsageError(fmt::format(
          "--group \"{}\" is not a group name: 1 to 128 characters, no spaces or commas, e.g. "
          "--group sec",
          EscapeControl(group))));
    }
  }
  std::optional<std::chrono::seconds> ttl;
  if (ttl_text) {
    auto parsed = ParseTtl(*ttl_text);
    if (!parsed) return Fail(UsageError("--ttl: " + parsed.error().message));
    ttl = *parsed;
  }
  auto store = OpenStore(*config, true);
  if (!store) return Fail(store.error());
  if (auto schema = (*store)->RequireCurrentSchema(); !schema) return Fail(schema.error());
  auto secret = NewApiTokenSecret();
  if (!secret) return Fail(secret.error());
  auto id = NewSessionId();
  if (!id) return Fail(id.error());
  const TimePoint now = std::chrono::system_clock::now();
  ApiToken token;
  token.id = *id;
  token.name = name;
  token.policy = policy;
  token.token_sha256 = ApiTokenHash(*secret);
  token.created_by = Operator(CurrentEnvironment());
  token.created_at = now;
  token.groups = groups;
  if (ttl) token.expires_at = now + *ttl;
  if (auto inserted = (*store)->Transact(
          [&](TeamTransaction& tx) { return tx.InsertApiToken(token, TokenCreatedEvent(token)); });
      !inserted) {
    return Fail(inserted.error());
  }
  // Shown once: the store keeps its hash only.
  std::cout << secret->Reveal() << '\n';
  std::cerr << fmt::format(
      "tryaudex server: token {} ({}) for policy {}{}{}; shown once, keep it in your CI's "
      "secrets\n",
      token.id, name, policy, groups.empty() ? "" : ", groups " + Join(groups, ", "),
      ttl ? ", expires " + FormatRfc3339(*token.expires_at) : "");
  return kExitOk;
}

int TokenList(const std::string& config_path, bool json) {
  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  auto store = OpenStore(*config, false);
  if (!store) return Fail(store.error());
  auto tokens = (*store)->ListApiTokens();
  if (!tokens) return Fail(tokens.error());
  const auto time = [](const std::optional<TimePoint>& value) {
    return value ? FormatRfc3339(*value) : std::string("-");
  };
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ApiToken& token : *tokens) {
    if (json) {
      list.push_back({{"id", token.id},
                      {"name", token.name},
                      {"policy", token.policy},
                      {"groups", token.groups},
                      {"created_by", token.created_by},
                      {"created_at", FormatRfc3339(token.created_at)},
                      {"expires_at", time(token.expires_at)},
                      {"revoked_at", time(token.revoked_at)},
                      {"last_used_at", time(token.last_used_at)}});
    } else {
      std::cout << fmt::format("{:<16}  {:<20}  {:<14}  {:<20}  {}\n", token.id, token.name,
                               token.policy, time(token.expires_at),
                               token.revoked_at ? "revoked" : "active");
    }
  }
  if (json) std::cout << list.dump(2) << '\n';
  return kExitOk;
}

int TokenRevoke(const std::string& config_path, const std::string& id_or_name) {
  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  auto store = OpenStore(*config, true);
  if (!store) return Fail(store.error());
  auto event_id = NewSessionId();
  if (!event_id) return Fail(event_id.error());
  const std::string by = Operator(CurrentEnvironment());
  auto revoked = (*store)->Transact([&](TeamTransaction& tx) -> Result<size_t> {
    return tx.RevokeApiTokens(id_or_name, std::chrono::system_clock::now(),
                              TokenRevokedEvent(*event_id, id_or_name, 1, by));
  });
  if (!revoked) return Fail(revoked.error());
  if (*revoked == 0) {
    return Fail(UsageError(
        fmt::format("no active token with id or name \"{}\"; tryaudex server token list shows them",
                    EscapeControl(id_or_name))));
  }
  std::cout << fmt::format("Revoked {} token{}\n", *revoked, *revoked == 1 ? "" : "s");
  return kExitOk;
}

// ------------------------------------------------------------------ audit

int AuditVerify(const std::string& config_path) {
  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  auto store = OpenStore(*config, true);
  if (!store) return Fail(store.error());
  auto verdict = (*store)->VerifyAudit();
  if (!verdict) return Fail(verdict.error());
  if (*verdict) {
    std::cout << fmt::format("OK: {} events, the chain is intact\n", **verdict);
    return kExitOk;
  }
  std::cout << fmt::format("BROKEN at event {}: {} ({} events intact before it)\n",
                           verdict->error().line, verdict->error().problem,
                           verdict->error().intact_events);
  return kExitCheckFailed;
}

int AuditExport(const std::string& config_path, const std::string& directory) {
  auto config = LoadConfig(config_path);
  if (!config) return Fail(config.error());
  auto store = OpenStore(*config, true);
  if (!store) return Fail(store.error());
  if (auto made = MakePrivateDirectory(directory); !made) return Fail(made.error());
  const std::filesystem::path log = std::filesystem::path(directory) / "audit.jsonl";
  std::string text;
  auto tip = (*store)->ExportAuditJsonl([&](std::string_view piece) -> Result<void> {
    text.append(piece);
    return {};
  });
  if (!tip) return Fail(tip.error());
  auto key = RequireKey(*config, kAuditKeyFile, "audit key");
  if (!key) return Fail(key.error());
  if (auto written = ReplaceFileAtomically(log, text); !written) return Fail(written.error());
  if (auto written = ReplaceFileAtomically(std::filesystem::path(directory) / "audit.head",
                                           FormatChainHead(*tip, key->Reveal()));
      !written) {
    return Fail(written.error());
  }
  std::cout << fmt::format(
      "Exported {} events to {} with audit.head; check them with AUDEX_HOME={} tryaudex audit "
      "verify after copying {} there as audit.key\n",
      tip->seq, log.string(), directory,
      (std::filesystem::path(config->state_dir) / kAuditKeyFile).string());
  return kExitOk;
}

int Main(int argc, char** argv) {
  CLI::App app{"tryaudex server: the team credential service (docs/team-mode.md)",
               "tryaudex server"};
  app.require_subcommand(0, 1);
  std::string config_path = "server.toml";
  std::optional<std::string> ready_file;
  app.add_option("--config", config_path, "server.toml (default ./server.toml)");
  app.add_option("--ready-file", ready_file, "Write the URL served here once listening");
  CLI::App* serve = app.add_subcommand("serve", "Serve the API (the default)");
  serve->add_option("--config", config_path, "server.toml");
  serve->add_option("--ready-file", ready_file, "Write the URL served here once listening");
  CLI::App* migrate =
      app.add_subcommand("migrate", "Create the keys and bring the store's schema up to date");
  migrate->add_option("--config", config_path, "server.toml");
  CLI::App* token = app.add_subcommand("token", "Create, list and revoke API tokens");
  token->require_subcommand(1);
  std::string name, policy, id;
  std::optional<std::string> ttl;
  std::vector<std::string> groups;
  bool json = false;
  CLI::App* create = token->add_subcommand("create", "Create a token (shown once)");
  create->add_option("--config", config_path, "server.toml");
  create->add_option("--name", name, "What the token is for: ci-deploy")->required();
  create->add_option("--policy", policy, "The [policies.NAME] its caller is bound to")->required();
  create->add_option("--ttl", ttl, "Lifetime: 90d, 12h (default: no expiry)");
  create->add_option("--group", groups,
                     "A group its caller is in (approvers: [policies.NAME] approval.groups); "
                     "repeat for several");
  CLI::App* list = token->add_subcommand("list", "List tokens (never their values)");
  list->add_option("--config", config_path, "server.toml");
  list->add_flag("--json", json, "Print JSON");
  CLI::App* revoke =
      token->add_subcommand("revoke", "Revoke a token by id, or every one of a name");
  revoke->add_option("--config", config_path, "server.toml");
  revoke->add_option("token", id, "Token id or name")->required();
  CLI::App* audit = app.add_subcommand("audit", "Check or export the audit chain");
  audit->require_subcommand(1);
  CLI::App* verify = audit->add_subcommand("verify", "Check the whole chain in the store");
  verify->add_option("--config", config_path, "server.toml");
  std::string directory = "audit-export";
  CLI::App* exporter =
      audit->add_subcommand("export", "Write the chain as audit.jsonl and audit.head");
  exporter->add_option("--config", config_path, "server.toml");
  exporter->add_option("--to", directory, "Directory to write into (default audit-export)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "tryaudex server: error: " << e.what() << "; see tryaudex server --help\n";
    return kExitUsage;
  }
  if (*migrate) return Migrate(config_path);
  if (*create) return TokenCreate(config_path, name, policy, ttl, groups);
  if (*list) return TokenList(config_path, json);
  if (*revoke) return TokenRevoke(config_path, id);
  if (*verify) return AuditVerify(config_path);
  if (*exporter) return AuditExport(config_path, directory);
  return Serve(config_path, ready_file);
}

}  // namespace
}  // namespace audex

int main(int argc, char** argv) {
  // Nothing of this process (its keys, the base credentials) may be read
  // through /proc by another process of the same user.
  prctl(PR_SET_DUMPABLE, 0);
  try {
    return audex::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tryaudex server: internal error: " << e.what() << '\n';
    return audex::kExitInternal;
  }
}
