// The Azure part of a session. Azure cannot narrow a token
// (cloud-facts.md, Azure), so a session finds the identity's ARM token
// (azure_issue.h; with a team server, the token of its grant), records it
// (prefix only), serves it to the child from a loopback managed-identity
// endpoint until the TTL, and ends the child when the TTL runs out.
#include <fmt/format.h>

#include "adapters/azure/azure_cli_config.h"
#include "adapters/azure/local_identity_endpoint.h"
#include "adapters/process/scratch_directory.h"
#include "adapters/teamclient/team_client.h"
#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/credentials/child_env.h"
#include "session/azure_issue.h"
#include "session/provider_session.h"

namespace audex {
namespace {

class AzureSession final : public ProviderSession {
 public:
  AzureSession(World& world, const SessionPlan& plan, std::string id)
      : world_(world), plan_(plan), target_(*plan.azure), id_(std::move(id)) {}

  Result<void> FindBase() override {
    // A team server finds the token with its own identity, at Issue.
    if (plan_.server) return {};
    auto token = IssueAzureToken(target_, world_);
    if (!token) return tl::unexpected(token.error());
    token_ = std::move(*token);
    return {};
  }

  std::string RecordedRole() const override {
    if (plan_.server) return "the identity of team server " + plan_.server->url;
    return token_.source;
  }

  Result<void> Issue(SessionLedger& ledger) override {
    std::chrono::seconds ttl = plan_.ttl;
    if (plan_.server) {
      auto granted = FromServer();
      if (!granted) return tl::unexpected(granted.error());
      ttl = *granted;
    }
    issued_at_ = world_.clock();
    ends_at_ = issued_at_ + ttl;
    const bool expires_first = token_.expiration && *token_.expiration < ends_at_;
    if (expires_first) {
      world_.Warn(fmt::format(
          "the Azure token expires at {}, before the TTL; the command may fail after that",
          FormatRfc3339(*token_.expiration)));
    }
    IssuedCredentials issued;
    issued.expiration = expires_first ? *token_.expiration : ends_at_;
    issued.source = token_.source;
    issued.token_prefix = TokenPrefix(token_.token.Reveal());
    return ledger.Record(
        [&](SessionRecorder& recorder) { return recorder.CredentialsIssued(issued); });
  }

  std::chrono::system_clock::time_point IssuedAt() const override { return issued_at_; }

  std::vector<SecretString> Secrets() const override { return {token_.token}; }

  Result<PreparedChild> PrepareChild(Session&, const Environment& parent) override {
    const std::string subscription = !target_.subscription_id.empty()
                                         ? target_.subscription_id
                                         : token_.subscription_id.value_or("");
    if (subscription.empty()) {
      world_.Warn(
          "no subscription is known, so `az` in the command is not signed in (the Azure SDKs "
          "are); set AZURE_SUBSCRIPTION_ID or azure_subscription_id in config.toml");
    }
    auto config_dir = ScratchDirectory::Create(world_.env, "audex-az-");
    if (!config_dir) return tl::unexpected(config_dir.error());
    auto directory = std::make_shared<ScratchDirectory>(std::move(*config_dir));
    if (auto prepared = PrepareAzureCliConfig(directory->path(), world_.env, target_, token_);
        !prepared) {
      return tl::unexpected(prepared.error());
    }
    auto secret = world_.random(16);
    if (!secret) return tl::unexpected(secret.error());
    auto started = LocalIdentityEndpoint::Start(token_.token, token_.expiration.value_or(ends_at_),
                                                ends_at_, SecretString(HexEncode(*secret)));
    if (!started) return tl::unexpected(started.error());
    std::shared_ptr<LocalIdentityEndpoint> endpoint = std::move(*started);

    AzureChildInput child;
    child.parent = parent;
    child.msi_endpoint = endpoint->MsiEndpoint();
    child.identity_endpoint = endpoint->IdentityEndpoint();
    child.identity_header = HexEncode(*secret);
    child.config_dir = directory->path().string();
    child.subscription_id = subscription;
    child.session_id = id_;
    PreparedChild prepared;
    prepared.environment = ComputeAzureChildEnvironment(child);
    // Azure tokens live about an hour whatever the TTL: Audex ends the
    // command when the TTL runs out (and the endpoint stops serving).
    const auto remaining =
        std::chrono::duration_cast<std::chrono::seconds>(ends_at_ - world_.clock());
    prepared.deadline = std::max(remaining, std::chrono::seconds(1));
    prepared.keep_alive.push_back(std::move(endpoint));
    prepared.keep_alive.push_back(std::move(directory));
    return prepared;
  }

 private:
  // The grant of the team server: the token its identity found for the
  // request, under the server's rules. The grant's TTL (the server may have
  // cut it): the command ends then.
  Result<std::chrono::seconds> FromServer() {
    std::unique_ptr<HttpClient> http = world_.http(HttpOptionsFrom(world_.env));
    auto grant = RequestTokenGrant(*http, plan_.server->url, plan_.server->token,
                                   plan_.server->body, ServerApprovalWait(*plan_.server, world_));
    if (!grant) return tl::unexpected(grant.error());
    for (const std::string& warning : grant->warnings) world_.Warn(warning);
    if (!grant->cloud.empty() && grant->cloud != target_.cloud.name) {
      world_.Warn(fmt::format(
          "the team server's token is for {}, and this side's cloud is {}: `az` in the command "
          "may not accept it; set AZURE_CLOUD={}",
          grant->cloud, target_.cloud.name, grant->cloud));
    }
    token_.token = std::move(grant->access_token);
    token_.expiration = grant->expires_at;
    token_.source = grant->source;
    token_.tenant_id = grant->tenant_id;
    token_.subscription_id = grant->subscription_id;
    return grant->ttl.count() > 0 ? std::min(grant->ttl, plan_.ttl) : plan_.ttl;
  }

  World& world_;
  const SessionPlan& plan_;
  const AzureTarget target_;
  const std::string id_;
  AzureAccessToken token_;
  std::chrono::system_clock::time_point issued_at_;
  std::chrono::system_clock::time_point ends_at_;
};

}  // namespace

std::unique_ptr<ProviderSession> NewAzureSession(World& world, const SessionPlan& plan,
                                                 const std::string& id) {
  return std::make_unique<AzureSession>(world, plan, id);
}

}  // namespace audex
