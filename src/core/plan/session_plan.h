// SessionPlan: everything `tryaudex run` will do, decided before any I/O.
// --dry-run prints it; the credential flow carries it out; the audit log
// records it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/credentials/azure_identity.h"
#include "core/credentials/gcp_target.h"
#include "core/plan/aws_issue.h"
#include "core/plan/session_tagging.h"
#include "core/plan/user_config.h"
#include "core/policy/access_request.h"
#include "core/policy/action_universe.h"
#include "core/policy/policy_document.h"

namespace audex {

struct SessionPlan {
  ResolvedRequest request;
  std::chrono::seconds ttl{0};
  std::optional<PolicyDocument> policy;  // AWS only
  std::string policy_json;               // rendered `policy`, minified
  std::vector<std::string> child_variables;
  std::vector<std::string> command;
  // When the catalog rewrote the Allow statement (the exact remaining set
  // under a deny list, or packed to fit): the patterns written, each with
  // the number of actions it matches today.
  std::vector<CountedPattern> rewritten;
  std::vector<std::string> policy_notes;  // what the rewriting did, for the plan
  // What the cloud (or Audex) will enforce for this session and what it
  // will not, in plain words, for the plan and the warnings (GCP, Azure).
  std::vector<std::string> enforced;
  std::vector<std::string> not_enforced;
  // Printed once when the session really starts (not on --dry-run, whose
  // plan lists `not_enforced` already).
  std::vector<std::string> enforcement_warnings;
  // GCP: the Credential Access Boundary the token is narrowed with, when
  // every permission is a Cloud Storage one and buckets are named.
  std::optional<std::string> access_boundary;  // JSON, as sent
  std::vector<std::string> boundary_roles;
  // Where the credentials come from and how they are issued, one per
  // provider. AWS's is planned for --dry-run too (without requiring a
  // role); GCP's and Azure's only for a session that will start.
  std::optional<AwsIssuePlan> aws;
  std::optional<GcpTarget> gcp;
  std::optional<AzureTarget> azure;
  // GCP and Azure: the team server the token is asked of (--server,
  // AUDEX_SERVER, server_url) instead of this machine's base credentials.
  // AWS's is aws->server.
  std::optional<ServerIssue> server;
  // --tag-session: the tag, the statements the policy carries for it, and
  // the granted creates it cannot cover (AWS only).
  std::optional<TagEnforcement> tagging;
  // Where the AWS credentials may be used from: [network] in config.toml
  // and --source-ip, each written as its own Deny statement (so both hold).
  std::vector<NetworkBinding> network;
  // The command runs in the sandbox that hides the credential stores
  // (README, "Threat model").
  bool sandbox = true;
};

// The session's lifetime: --ttl, else `ttl` in config.toml, else 15m.
std::chrono::seconds ChooseTtl(std::optional<std::chrono::seconds> flag, const UserConfig& config);

// Whether the command runs in the sandbox: --no-sandbox, else `sandbox` in
// config.toml, else on.
bool ChooseSandbox(std::optional<bool> flag, const UserConfig& config);

// The AWS session policy for a resolved request: one Allow statement with
// the granted actions sorted case-insensitively and the resources (or "*"),
// a Deny statement for deny patterns that overlap granted wildcards, and one
// for each network binding (NetworkDenyStatement).
PolicyDocument BuildAwsSessionPolicy(const ResolvedRequest& request,
                                     const std::vector<NetworkBinding>& network = {});

// The exact actions a resolved AWS request grants: every granted pattern
// expanded with the catalog, minus the explicit denies; unknown actions
// kept under --allow-unknown as written. Sorted case-insensitively.
Result<std::vector<std::string>> EffectiveActions(const ResolvedRequest& request,
                                                  const ActionUniverse& universe);

// Resolves the request, chooses the TTL (--ttl, else config, else 15m) and
// checks it against the provider, builds and size-checks the policy.
// The network bindings (config.toml's [network], then `source_ip`, from
// --source-ip) are AWS only: --source-ip on another provider is a kUsage
// error, and the configured one is listed as not enforced there. Their Deny
// statements count against the size limit like the rest of the document.
// With `aws_actions` the AWS actions are checked against the catalog, and the
// document is the smallest of: the request's patterns with an explicit Deny,
// the exact remaining set of actions, and (when `compress`) that set packed
// into the shortest exact wildcards. Over 2,048 characters even then is an
// error with the figures, naming the shares of the network bindings and of
// the tag. With `session_tag` (--tag-session, AWS only, and `aws_actions`
// required) every candidate document also carries the statements of
// PlanTagEnforcement (before the bindings'), and the plan its account
// (`tagging`).
Result<SessionPlan> PlanSession(const AccessRequest& request,
                                std::optional<std::chrono::seconds> ttl_flag,
                                const UserConfig& config, const ProfileCatalog& profiles,
                                const DenyList& deny, std::vector<std::string> command,
                                const ActionUniverse* aws_actions = nullptr, bool compress = true,
                                const std::optional<NetworkBinding>& source_ip = std::nullopt,
                                const SessionTag* session_tag = nullptr);

}  // namespace audex
