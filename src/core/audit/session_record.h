// SessionRecord: what Audex remembers about one session (what was asked,
// what was granted, what ran, how it ended) and the steps by which it goes
// from active to ended or failed. It holds the access key *id* only: no
// field can carry a secret key, a session token or the audit key.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"
#include "core/plan/session_plan.h"
#include "core/plan/session_request.h"
#include "core/policy/access_request.h"

namespace audex {

using TimePoint = std::chrono::system_clock::time_point;

// The process that holds a session while its command runs: its pid and its
// start time (clock ticks after boot, field 22 of /proc/PID/stat), so that
// another process given the same pid later is not taken for it.
struct SessionOwner {
  int pid = 0;
  uint64_t start_ticks = 0;
  bool operator==(const SessionOwner&) const = default;
};

// Whether a recorded owner still runs (the adapter reads /proc:
// adapters/process/process_identity.h).
using OwnerRunning = std::function<bool(const SessionOwner&)>;

// What the session file records; `SessionState` adds the clock's view.
enum class SessionStatus { kActive, kEnded, kFailed };

std::string_view SessionStatusName(SessionStatus status);

struct SessionRecord {
  std::string id;
  TimePoint created;
  TimePoint expires;  // planned from the TTL, then the credentials' own expiry
  std::chrono::seconds ttl{0};
  Provider provider = Provider::kAws;
  std::optional<std::string> profile;
  std::string role;                            // role ARN; empty when none applies
  std::vector<std::string> requested_actions;  // --allow as typed, item by item
  std::vector<std::string> actions;            // granted, after profiles and the deny list
  std::vector<std::string> resources;          // empty means every resource
  std::optional<std::string> policy;           // the session policy document, JSON
  std::vector<std::string> command;
  SessionStatus status = SessionStatus::kActive;
  std::optional<TimePoint> ended;
  std::optional<int> exit_code;        // the child exited with this code
  std::optional<int> signal;           // a signal killed the child
  std::optional<std::string> failure;  // why no credentials were issued
  std::optional<std::string> access_key_id;
  std::optional<std::string> agent_id;  // AUDEX_AGENT_ID
  // GCP and Azure: the first kTokenPrefixLength characters of the access
  // token, enough to tell tokens apart in a log, never the token.
  std::optional<std::string> token_prefix;
  // What was asked, as typed: `tryaudex replay` plans it again. Absent in
  // records written before replay existed.
  std::optional<SessionRequest> request;
  std::optional<std::string> region;       // AWS: the session's region (cleanup looks there)
  std::vector<std::string> chain;          // roles assumed after `role` (--chain)
  std::vector<std::string> policy_arns;    // managed-policy ceilings
  std::optional<std::string> session_tag;  // "audex-session=<id>" under --tag-session
  std::optional<std::string> replay_of;    // the session this one replays
  std::vector<std::string> allow_unknown;  // actions kept though the catalog lacks them
  std::vector<std::string> denied;         // actions the deny list removed
  // The process that runs the session's command; unset for a session that
  // outlives its process by design (credential-process) and in files
  // written before it was recorded.
  std::optional<SessionOwner> owner;
};

// What `run` knows when a session begins, besides the plan.
struct SessionStart {
  std::string id;  // from SessionIdFromRandom
  TimePoint now;
  std::string role;
  std::optional<std::string> agent_id;
  std::optional<SessionRequest> request = std::nullopt;
  std::optional<std::string> replay_of = std::nullopt;
  std::optional<SessionOwner> owner = std::nullopt;  // this process, when it runs the command
};

// An active record: created now, expiring after the plan's TTL.
SessionRecord NewSessionRecord(const AccessRequest& asked, const SessionPlan& plan,
                               const SessionStart& start);

// The parts of issued credentials that may be recorded.
struct IssuedCredentials {
  std::string access_key_id;  // AWS; empty for token providers
  std::optional<TimePoint> expiration;
  std::string source;                                      // "sts:AssumeRole"
  std::optional<std::string> token_prefix = std::nullopt;  // GCP, Azure: TokenPrefix(token)
  // --tag-session: the role's trust policy refused sts:TagSession, so the
  // credentials were issued without session tags.
  bool session_tags_refused = false;
};

inline constexpr size_t kTokenPrefixLength = 8;

// The first kTokenPrefixLength characters of an access token (all of it
// when shorter than twice that, so a short test token is never recorded
// whole: then only half). Tokens are hundreds of characters; eight of them
// identify without granting anything.
std::string TokenPrefix(std::string_view token);

// Copies the key id, expiry and source; the secret parts stay behind.
IssuedCredentials DescribeIssued(const AwsCredentials& credentials);

void MarkCredentialsIssued(SessionRecord& record, const IssuedCredentials& issued);
// `reason` must name what went wrong without quoting any secret.
void MarkFailed(SessionRecord& record, std::string reason, TimePoint now);
void MarkEnded(SessionRecord& record, std::optional<int> exit_code, std::optional<int> signal,
               TimePoint now);

// What `sessions list` shows. An active record whose owner no longer runs
// is "abandoned": Audex was killed (SIGKILL, a crash) before it could
// record the end; its command was ended with it (parent-death signal), but
// the credentials stay valid until they expire. An active record without a
// recorded owner whose credentials have expired is "expired".
enum class SessionState { kActive, kExpired, kEnded, kFailed, kAbandoned };

// `running` answers for a recorded owner; unset, owners are not checked.
SessionState StateAt(const SessionRecord& record, TimePoint now, const OwnerRunning& running);
std::string_view SessionStateName(SessionState state);

// The session file's JSON (docs/audit-log-format.md, "Session files").
nlohmann::ordered_json SessionRecordJson(const SessionRecord& record);

// The record as stored, with the state the clock gives it after "status":
// what `sessions list|show --json` print and audex_sessions returns.
nlohmann::ordered_json SessionStateJson(const SessionRecord& record, TimePoint now,
                                        const OwnerRunning& running);

// Reads a session file back. Errors are kState and name the bad field.
Result<SessionRecord> ParseSessionRecord(std::string_view text);

}  // namespace audex
