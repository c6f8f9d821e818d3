// One Azure session from plan to child exit, shaped like AwsSession. Azure
// cannot narrow a token (cloud-facts.md, Azure), so a session is: find the
// identity's ARM token, record it (prefix only), serve it to the child from
// a loopback managed-identity endpoint until the TTL, and end the child
// when the TTL runs out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/azure/azure_credentials.h"
#include "adapters/store/session_recorder.h"
#include "cli/aws_session.h"
#include "cli/cli_context.h"
#include "core/azure_identity.h"

namespace audex {

struct AzureTarget {
  AzureCloud cloud;
  std::string subscription_id;  // AZURE_SUBSCRIPTION_ID or azure_subscription_id; may be empty
};

Result<AzureTarget> ResolveAzureTarget(const CliContext& context, const UserConfig& config);

// Finds the ARM token (azure_credentials.h) with Audex's HTTP settings and
// the Azure CLI when it is on the PATH.
Result<AzureAccessToken> FindAzureToken(const CliContext& context, const AzureCloud& cloud);

class AzureSession {
 public:
  static Result<std::unique_ptr<AzureSession>> Start(const CliContext& context,
                                                     const PlannedRun& planned,
                                                     const AzureTarget& target);

  const std::string& id() const { return id_; }

  // Runs `command` with the parent's environment minus every route to the
  // parent's Azure identity, plus the session's loopback identity endpoint
  // and a fresh Azure CLI configuration; ends it when the TTL runs out.
  Result<int> RunChild(const std::vector<std::string>& command);

  ~AzureSession();
  AzureSession(const AzureSession&) = delete;
  AzureSession& operator=(const AzureSession&) = delete;

 private:
  AzureSession(const CliContext& context, AzureTarget target);

  const CliContext& context_;
  AzureTarget target_;
  std::string id_;
  std::chrono::seconds ttl_{0};
  std::chrono::system_clock::time_point ends_at_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<SessionStore> store_;
  std::optional<SessionRecorder> recorder_;
  AzureAccessToken token_;
};

}  // namespace audex
