// One GCP session from plan to child exit, shaped like AwsSession:
//
//   auto planned = PlanRunRequest(options, context);      // permissions, TTL, boundary
//   auto target = ResolveGcpTarget(role_arn, context, config);
//   auto session = GcpSession::Start(context, planned, *target);
//                  // session_created, generateAccessToken for the TTL,
//                  // STS exchange with the access boundary when planned,
//                  // credentials_issued (token prefix only) or _failed
//   session->RunChild(command);  // child with only that token, session_ended
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/gcp/gcp_credentials.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/store/session_recorder.h"
#include "cli/aws_session.h"
#include "cli/cli_context.h"
#include "core/child_env.h"

namespace audex {

// The service account a GCP session impersonates, and where its token goes.
struct GcpTarget {
  std::string service_account;
  std::string source;   // "--role-arn", "AUDEX_GCP_SERVICE_ACCOUNT", "gcp_service_account in FILE"
  std::string project;  // AUDEX_GCP_PROJECT or gcp_project; may be empty
  GcpEndpoints endpoints;
};

// --role-arn (a service account email for GCP), else AUDEX_GCP_SERVICE_ACCOUNT,
// else gcp_service_account in config.toml. Errors are kUsage.
Result<GcpTarget> ResolveGcpTarget(const std::optional<std::string>& role_arn,
                                   const CliContext& context, const UserConfig& config);

// The HTTP client settings for Google calls: CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE
// (gcloud's own setting), else AWS_CA_BUNDLE.
CurlHttpOptions GcpHttpOptions(const EnvLookup& env);

// The same for the metadata server, with short timeouts: off Google Cloud
// nothing answers at its address, so the base-token search gives up fast.
CurlHttpOptions GcpMetadataHttpOptions(const EnvLookup& env);

class GcpSession {
 public:
  static Result<std::unique_ptr<GcpSession>> Start(const CliContext& context,
                                                   const PlannedRun& planned,
                                                   const GcpTarget& target);

  const std::string& id() const { return id_; }
  SessionRecorder& recorder() { return *recorder_; }

  // Runs `command` with the parent's environment minus every route to
  // broader Google credentials, plus the session token and a fresh gcloud
  // configuration directory (removed afterwards); records session_ended.
  Result<int> RunChild(const std::vector<std::string>& command);

  ~GcpSession();
  GcpSession(const GcpSession&) = delete;
  GcpSession& operator=(const GcpSession&) = delete;

 private:
  GcpSession(const CliContext& context, GcpTarget target);

  const CliContext& context_;
  GcpTarget target_;
  std::string id_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<SessionStore> store_;
  std::optional<SessionRecorder> recorder_;
  GcpAccessToken token_;
};

}  // namespace audex
