// The GCP part of a session: the base token, generateAccessToken for the
// service account for the TTL (narrowed by a Credential Access Boundary when
// the plan has one; gcp_issue.h) — or, with a team server, the token of its
// grant — and the child's environment with a fresh gcloud configuration
// directory.
#include "adapters/process/scratch_directory.h"
#include "adapters/teamclient/team_client.h"
#include "core/credentials/child_env.h"
#include "session/gcp_issue.h"
#include "session/provider_session.h"

namespace audex {
namespace {

class GcpSession final : public ProviderSession {
 public:
  GcpSession(World& world, const SessionPlan& plan, std::string id)
      : world_(world), plan_(plan), target_(*plan.gcp), id_(std::move(id)) {}

  Result<void> FindBase() override {
    // A team server makes the token with its own base token.
    if (plan_.server) return {};
    auto base = FindGcpBaseToken(world_);
    if (!base) return tl::unexpected(base.error());
    base_ = std::move(*base);
    return {};
  }

  std::string RecordedRole() const override {
    if (plan_.server && target_.service_account.empty()) {
      return "the service account of team server " + plan_.server->url;
    }
    return target_.service_account;
  }

  Result<void> Issue(SessionLedger& ledger) override {
    auto token = plan_.server
                     ? FromServer()
                     : IssueGcpToken(target_, plan_.access_boundary, plan_.ttl, base_, world_);
    if (!token) return tl::unexpected(token.error());
    IssuedCredentials issued;
    issued.expiration = token->expiration;
    issued.source = token->source;
    issued.token_prefix = TokenPrefix(token->token.Reveal());
    if (auto recorded = ledger.Record(
            [&](SessionRecorder& recorder) { return recorder.CredentialsIssued(issued); });
        !recorded) {
      return recorded;
    }
    token_ = std::move(*token);
    issued_at_ = world_.clock();
    return {};
  }

  std::chrono::system_clock::time_point IssuedAt() const override { return issued_at_; }

  std::vector<SecretString> Secrets() const override { return {token_.token}; }

  Result<PreparedChild> PrepareChild(Session&, const Environment& parent) override {
    auto config_dir = ScratchDirectory::Create(world_.env, "audex-gcloud-");
    if (!config_dir) return tl::unexpected(config_dir.error());
    auto directory = std::make_shared<ScratchDirectory>(std::move(*config_dir));
    GcpChildInput child;
    child.parent = parent;
    child.token = token_.token.Reveal();
    child.project = target_.project;
    child.session_id = id_;
    child.config_dir = directory->path().string();
    // The token expires with the TTL (generateAccessToken lifetime), so the
    // child needs no deadline.
    PreparedChild prepared;
    prepared.environment = ComputeGcpChildEnvironment(child);
    prepared.keep_alive.push_back(std::move(directory));
    return prepared;
  }

 private:
  // The grant of the team server: its token, made by the server's
  // generateAccessToken for this request under the server's rules.
  Result<GcpAccessToken> FromServer() {
    std::unique_ptr<HttpClient> http = world_.http(HttpOptionsFrom(world_.env));
    auto grant = RequestTokenGrant(*http, plan_.server->url, plan_.server->token,
                                   plan_.server->body, ServerApprovalWait(*plan_.server, world_));
    if (!grant) return tl::unexpected(grant.error());
    for (const std::string& warning : grant->warnings) world_.Warn(warning);
    if (!grant->service_account.empty()) target_.service_account = grant->service_account;
    if (target_.project.empty()) target_.project = grant->project;
    return GcpAccessToken{std::move(grant->access_token), grant->expires_at, grant->source};
  }

  World& world_;
  const SessionPlan& plan_;
  GcpTarget target_;
  const std::string id_;
  GcpAccessToken base_;
  GcpAccessToken token_;
  std::chrono::system_clock::time_point issued_at_;
};

}  // namespace

std::unique_ptr<ProviderSession> NewGcpSession(World& world, const SessionPlan& plan,
                                               const std::string& id) {
  return std::make_unique<GcpSession>(world, plan, id);
}

}  // namespace audex
