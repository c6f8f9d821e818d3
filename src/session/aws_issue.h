// One issue of AWS credentials as an issue plan describes it (AssumeRole
// with the session policy, through a --chain of roles when there is one, or
// GetScopedCredentials), made through the
// World's HTTP client: what a session's start and renewal call, and what the
// team server calls for a grant.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/credentials/aws_credentials.h"
#include "core/plan/aws_issue.h"
#include "session/world.h"

namespace audex {

struct IssuedAws {
  AwsCredentials credentials;  // expiration always set
  // AssumeRole's AssumedRoleUser: "AROA...:audex-<id>" and the session's
  // ARN; empty for GetScopedCredentials.
  std::string assumed_role_id;
  std::string assumed_role_arn;
  // A role refused the session tags (no sts:TagSession in its trust
  // policy), so they were left out; the caller was warned.
  bool session_tags_refused = false;
};

struct IssueOptions {
  // An earlier issue of the same session found the session tags refused:
  // renewals ask without them rather than be refused first.
  bool without_session_tags = false;
};

// `session_id` names the session (RoleSessionName = the plan's prefix and
// it); `duration` is what to ask for; `base` signs the first call, each hop
// of a chain the next (AssumeRoleHops). A role that refuses the session
// tags (sts:TagSession) is asked again without them, with a warning. Errors
// are STS's (kCredentials), never holding a secret. Not for kServer, whose
// grant the team client asks for.
Result<IssuedAws> IssueAwsCredentials(const AwsIssuePlan& plan, std::string_view session_id,
                                      std::chrono::seconds duration, const AwsCredentials& base,
                                      const World& world, const IssueOptions& options = {});

// The role's unique id: the part of an AssumedRoleId before ':' ("AROA..."),
// what aws:userid pairs with the session name.
std::string RoleIdOf(std::string_view assumed_role_id);

}  // namespace audex
