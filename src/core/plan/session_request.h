// SessionRequest: what a caller asks a session for, in the words of the
// flags — the one request shape `run`, `learn`, `credential-process`,
// `setup-profile`, the MCP tools and the team server all fill in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/result.h"

namespace audex {

// Whether issued credentials may come from (and go to) the encrypted cache
// (docs/credential-cache.md).
enum class CacheChoice {
  kConfigDefault,  // `cache` in config.toml, else off (run: each run is its own STS session)
  kOn,             // --cache, and credential-process unless --no-cache
  kOff,            // --no-cache
};

struct SessionRequest {
  std::optional<std::string> provider;  // --provider
  std::optional<std::string> allow;     // --allow, as typed
  std::optional<std::string> profile;   // --profile NAME
  std::optional<std::string> resource;  // --resource, as typed
  std::optional<std::string> ttl;       // --ttl, as typed
  std::optional<std::string> role_arn;  // --role-arn (GCP: the service account)
  std::optional<std::string> region;    // --region
  std::optional<std::string> source_identity;
  // --source-ip LIST: addresses and CIDRs the session may be used from, on
  // top of config.toml's [network] (both apply).
  std::optional<std::string> source_ip;
  bool allow_unknown = false;     // keep AWS actions the catalog does not know
  bool unscoped_allowed = false;  // learn: no --allow/--profile means no narrowing
  bool no_compress = false;       // never pack the policy into new wildcards
  // sts:GetScopedCredentials on the caller's own session instead of
  // AssumeRole (README, "--scope-current").
  bool scope_current = false;
  CacheChoice cache = CacheChoice::kConfigDefault;
  // --serve: the child fetches renewable credentials from a loopback
  // endpoint. Unset: `serve` in config.toml decides (run); the other faces
  // set false.
  std::optional<bool> serve;
  std::optional<std::string> max_duration;  // --max-duration, with --serve
  // --chain ROLE[,ROLE...]: roles assumed after --role-arn, in order (AWS).
  std::vector<std::string> chain;
  // --policy-arn ARN[,ARN...]: managed policies as further session policies,
  // added to policy_arns from config.toml and the profile (AWS).
  std::vector<std::string> policy_arns;
  // --tag-session: everything the session creates must carry its tag (AWS).
  bool tag_session = false;
  // --server URL: ask the team server for the credentials instead of STS
  // (else AUDEX_SERVER, else server_url in config.toml); `reason` goes
  // with the request into the server's audit log.
  std::optional<std::string> server;
  std::optional<std::string> reason;
  // --break-glass: the team server issues at once (where its rule allows
  // it) and marks the grant for review; needs `reason`.
  bool break_glass = false;
  // --approval-wait: how long to wait when the team server holds the grant
  // for approval (default 10m; "0" does not wait).
  std::optional<std::string> approval_wait;
  // --broker: the child holds placeholder credentials and reaches AWS
  // through Audex's forwarding endpoint, which signs and records every call
  // (README, "--broker"). AWS only; excludes --serve.
  bool broker = false;
  // --allow-credential-calls: with --broker, forward the calls that hand
  // the child a working credential (core/wire/credential_calls.h) instead
  // of refusing them.
  bool allow_credential_calls = false;
  // The sandbox around the command (adapters/process/sandbox.h): false for
  // --no-sandbox; unset, `sandbox` in config.toml decides, else on.
  std::optional<bool> sandbox;
  std::vector<std::string> command;  // everything after "--"
};

// The request as a session record keeps it, so that `tryaudex replay` can
// plan it again: every field as typed except the command (and the cache
// choice, which never changes what the session may do). Absent fields are
// omitted.
nlohmann::ordered_json SessionRequestJson(const SessionRequest& request);

// Reads SessionRequestJson back; kState naming the first bad field.
Result<SessionRequest> ParseSessionRequestJson(const nlohmann::json& json);

}  // namespace audex
