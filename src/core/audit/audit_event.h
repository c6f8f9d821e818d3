// AuditEvent: one thing that happened to a session as the audit log records
// it, and the exact text of an audit line (docs/audit-log-format.md). The
// chain arithmetic over lines lives in audit_chain.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/audit/session_record.h"
#include "core/base/result.h"

namespace audex {

// The events `run` writes. A verifier needs none of these names: a log that
// holds events added by a later version still verifies.
inline constexpr std::string_view kSessionCreated = "session_created";
inline constexpr std::string_view kCredentialsIssued = "credentials_issued";
inline constexpr std::string_view kCredentialsFailed = "credentials_failed";
inline constexpr std::string_view kSessionEnded = "session_ended";
// Credentials that outlive one STS call (README, "--serve", "Credential cache").
inline constexpr std::string_view kCredentialsRefreshed = "credentials_refreshed";
inline constexpr std::string_view kCredentialsCacheHit = "credentials_cache_hit";
// `credential-process` handed out its session's cached credentials again
// (one session per issued credential, not one per call).
inline constexpr std::string_view kCredentialsReused = "credentials_reused";
inline constexpr std::string_view kCredentialsScoped = "credentials_scoped";
inline constexpr std::string_view kServeStarted = "serve_started";
inline constexpr std::string_view kServeRefused = "serve_refused";

// `run --broker`: the forwarding endpoint started, and one AWS call it
// forwarded (or refused) for the child.
inline constexpr std::string_view kBrokerStarted = "broker_started";
inline constexpr std::string_view kBrokerCall = "broker_call";

// `tryaudex mcp`: a call an agent made that created no session (refused by
// a guard rail, failed before credentials were asked for, or a read-only
// tool). Calls that create a session are its session's events.
inline constexpr std::string_view kMcpCallRefused = "mcp_call_refused";
inline constexpr std::string_view kMcpToolCalled = "mcp_tool_called";

// Audex ended the command because the session's TTL ran out (Azure, whose
// tokens cannot be made to expire sooner).
inline constexpr std::string_view kTtlExpired = "ttl_expired";

// `tryaudex cleanup` deleted what a session created (after the session).
inline constexpr std::string_view kResourcesDeleted = "resources_deleted";

struct AuditEvent {
  std::string ts;  // RFC 3339 UTC; AuditLog stamps it while it holds the lock
  std::string session_id;
  std::string name;  // lower case and '_', e.g. "session_created"
  // Strings, integers, booleans, null, lists and objects of those. No
  // floating point: it has no single canonical spelling.
  nlohmann::json fields = nlohmann::json::object();
};

// An HMAC-SHA256 written as 64 lower-case hex digits.
inline constexpr size_t kMacHexSize = 64;

// One line of the log, parsed.
struct AuditLine {
  uint64_t seq = 0;  // 1 for the first line, then one more per line
  AuditEvent event;
  std::string prev;  // the previous line's mac (kGenesisMac for line 1)
  std::string mac;   // HMAC-SHA256 over CanonicalContent() under the audit key
};

// The bytes a line's mac covers: the line up to, not including, `,"mac":`.
// Members in a fixed order, no white space, `fields` with its keys sorted
// and every non-ASCII character escaped, so that the same event always has
// the same bytes.
std::string CanonicalContent(uint64_t seq, const AuditEvent& event, std::string_view prev);

// The whole line without its '\n': CanonicalContent + `,"mac":"<hex>"}`.
std::string FormatAuditLine(const AuditLine& line);

// Parses one line (without its '\n'). Strict: the text must be exactly what
// FormatAuditLine would write for the values it holds, so any change to
// its bytes either fails here or changes what the mac covers. The mac
// itself is not checked (that needs the key: see audit_chain.h). Errors
// are kState and say what is wrong.
Result<AuditLine> ParseAuditLine(std::string_view text);

// The events of a session's life, taken from its record at each step. They
// carry the access key id, never a secret.
AuditEvent SessionCreatedEvent(const SessionRecord& record);
AuditEvent CredentialsIssuedEvent(const SessionRecord& record, const IssuedCredentials& issued);
AuditEvent CredentialsFailedEvent(const SessionRecord& record);
AuditEvent SessionEndedEvent(const SessionRecord& record);
AuditEvent TtlExpiredEvent(const SessionRecord& record);

// credentials_refreshed: the endpoint of `run --serve` issued the session's
// credentials again (the `refresh`-th time) with the same session policy.
AuditEvent CredentialsRefreshedEvent(const SessionRecord& record, const IssuedCredentials& issued,
                                     int refresh);
// credentials_cache_hit: credentials from the encrypted cache, first issued
// to `origin_session`; no STS call was made.
AuditEvent CredentialsCacheHitEvent(const SessionRecord& record, const IssuedCredentials& issued,
                                    const std::string& origin_session);
// credentials_reused: `credential-process` printed the cached credentials
// of `session_id` (the session that asked STS for them) once more; no STS
// call and no new session. `agent_id` is AUDEX_AGENT_ID of this call.
AuditEvent CredentialsReusedEvent(const std::string& session_id, const IssuedCredentials& issued,
                                  const std::optional<std::string>& agent_id);
// credentials_scoped: sts:GetScopedCredentials narrowed the caller's own
// temporary credentials (key `base_access_key_id`) by the session policy.
AuditEvent CredentialsScopedEvent(const SessionRecord& record, const IssuedCredentials& issued,
                                  const std::string& base_access_key_id);
// serve_started: the loopback endpoint listens at `url` (never the token).
AuditEvent ServeStartedEvent(const SessionRecord& record, const std::string& url,
                             int64_t max_duration_seconds);
// serve_refused: the endpoint stopped handing out credentials, and why.
AuditEvent ServeRefusedEvent(const SessionRecord& record, const std::string& reason);

// resources_deleted: `tryaudex cleanup` of session `session_id` (tag
// `tag`): the ARNs deleted, those whose delete failed, and those skipped
// because they no longer carried the tag.
AuditEvent ResourcesDeletedEvent(const std::string& session_id, const std::string& tag,
                                 const std::vector<std::string>& deleted,
                                 const std::vector<std::string>& failed,
                                 const std::vector<std::string>& skipped);

// broker_started: the forwarding endpoint listens at `url`; the child holds
// only placeholder credentials (their access key id is recorded, as it is
// no secret and names the child's calls in the endpoint's refusals).
AuditEvent BrokerStartedEvent(const SessionRecord& record, const std::string& url,
                              const std::string& placeholder_access_key_id);

// One call through the forwarding endpoint. `status` is the HTTP status
// the child got (null when the upstream could not be reached); `error_code`
// the AWS error code, empty on success; `refused` says the endpoint itself
// refused it (nothing was forwarded). Never a header, body or signature.
struct BrokerCall {
  std::string service;    // the SDK service id, "S3"; the signing name when unknown
  std::string operation;  // "GetObject"; empty when no operation matched
  std::string region;
  std::optional<int> status;
  std::string error_code;
  bool refused = false;
  std::string bucket;  // S3 only, else empty
};
AuditEvent BrokerCallEvent(const SessionRecord& record, const BrokerCall& call);

// What an MCP call asked for, for its audit event. `id` is a fresh session
// id naming the call: no session exists for it.
struct McpCall {
  std::string id;
  std::optional<std::string> agent_id;  // the client's name from initialize
  std::string tool;
  std::vector<std::string> command;  // audex_run's argv; empty for other tools
};

// mcp_call_refused: `rule` is the config.toml key that refused it.
AuditEvent McpCallRefusedEvent(const McpCall& call, const std::string& rule,
                               const std::string& reason);
// mcp_tool_called: `outcome` is "ok" or "error"; `reason` says why an
// error happened and is empty otherwise.
AuditEvent McpToolCalledEvent(const McpCall& call, const std::string& outcome,
                              const std::string& reason);

}  // namespace audex
