// Credential reuse: `credential-process` answered from the credential cache
// without a session of its own. The AWS CLI runs credential_process for
// every command and keeps nothing (cloud-facts.md), so a cache hit must cost
// what it must and no more: find the entry, open it, check the margin,
// append one credentials_reused event to the session that asked STS for the
// credentials (without an fsync of its own: docs/audit-log-format.md,
// "What is synced"). A miss goes through Session::Start as before, whose
// session the new cache entry then names.
#pragma once

#include <optional>

#include "core/credentials/aws_credentials.h"
#include "session/planner.h"
#include "session/world.h"

namespace audex {

// Whether the cache may answer `planned` at all: the plan uses it, runs no
// command and asks no team server. Only then can a lookup find anything.
bool CacheMayAnswer(const PlannedSession& planned);

// The cached credentials that answer `planned`, after credentials_reused is
// appended to their session; nullopt when the cache cannot answer (the plan
// does not use it, runs a command, asks a team server, or the entry is
// absent, stale, or names no session): then start a session. Fails when the
// cache key is shared (as Session::Start would) or the event cannot be
// appended: credentials are never handed out unrecorded.
Result<std::optional<AwsCredentials>> ReuseCachedCredentials(const PlannedSession& planned,
                                                             World& world);

}  // namespace audex
