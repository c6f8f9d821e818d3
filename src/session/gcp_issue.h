// One issue of a GCP access token as a session plan describes it: the base
// token found where Google's libraries look (gcp_credentials.h),
// generateAccessToken for the service account for the TTL, narrowed by a
// Credential Access Boundary when the plan has one — made through the
// World's HTTP clients. What a GCP session's start calls, and what the team
// server calls for a GCP grant.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/gcp/gcp_credentials.h"
#include "core/credentials/gcp_target.h"
#include "session/world.h"

namespace audex {

// The base token the session's token is made from (ResolveGcpBaseToken with
// world.env: CLOUDSDK_AUTH_ACCESS_TOKEN, the ADC file, the metadata server).
// Errors are kCredentials and say where Audex looked.
Result<GcpAccessToken> FindGcpBaseToken(const World& world);

// generateAccessToken for target.service_account with `lifetime`, signed by
// `base`; then, with `access_boundary` (the plan's), the STS token exchange
// that narrows it. Errors are Google's (kCredentials) with the likely fix,
// never holding a token.
Result<GcpAccessToken> IssueGcpToken(const GcpTarget& target,
                                     const std::optional<std::string>& access_boundary,
                                     std::chrono::seconds lifetime, const GcpAccessToken& base,
                                     const World& world);

}  // namespace audex
