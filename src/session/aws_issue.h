// One issue of AWS credentials as an issue plan describes it (AssumeRole
// with the session policy, or GetScopedCredentials), made through the
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
};

// `session_id` names the session (RoleSessionName = the plan's prefix and
// it); `duration` is what to ask for; `base` signs the call. Errors are
// STS's (kCredentials), never holding a secret.
Result<IssuedAws> IssueAwsCredentials(const AwsIssuePlan& plan, std::string_view session_id,
                                      std::chrono::seconds duration, const AwsCredentials& base,
                                      const World& world);

// The role's unique id: the part of an AssumedRoleId before ':' ("AROA..."),
// what aws:userid pairs with the session name.
std::string RoleIdOf(std::string_view assumed_role_id);

}  // namespace audex
