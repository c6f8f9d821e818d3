// The GCP part of a session: the base token, generateAccessToken for the
// service account for the TTL (narrowed by a Credential Access Boundary when
// the plan has one), and the child's environment with a fresh gcloud
// configuration directory.
#include "adapters/gcp/gcp_credentials.h"
#include "adapters/gcp/gcp_iam_client.h"
#include "adapters/process/scratch_directory.h"
#include "core/credentials/child_env.h"
#include "session/provider_session.h"

namespace audex {
namespace {

class GcpSession final : public ProviderSession {
 public:
  GcpSession(World& world, const SessionPlan& plan, std::string id)
      : world_(world), plan_(plan), target_(*plan.gcp), id_(std::move(id)) {}

  Result<void> FindBase() override {
    http_ = world_.http(GcpHttpOptions(world_.env));
    std::unique_ptr<HttpClient> metadata_http = world_.http(GcpMetadataHttpOptions(world_.env));
    auto base = ResolveGcpBaseToken(world_.env, *http_, *metadata_http);
    if (!base) return tl::unexpected(base.error());
    base_ = std::move(*base);
    return {};
  }

  std::string RecordedRole() const override { return target_.service_account; }

  Result<void> Issue(SessionLedger& ledger) override {
    auto token =
        GenerateAccessToken(*http_, target_.endpoints, base_, target_.service_account, plan_.ttl);
    if (!token) return tl::unexpected(token.error());
    if (plan_.access_boundary) {
      auto narrowed =
          ExchangeWithAccessBoundary(*http_, target_.endpoints, *token, *plan_.access_boundary);
      if (!narrowed) return tl::unexpected(narrowed.error());
      token = std::move(narrowed);
    }
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
  World& world_;
  const SessionPlan& plan_;
  const GcpTarget target_;
  const std::string id_;
  std::unique_ptr<HttpClient> http_;
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
