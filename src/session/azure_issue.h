// The Azure token a session or a team-server grant runs with. Azure cannot
// narrow a token (cloud-facts.md, Azure): what is issued is the identity's
// ARM token for the target's cloud, found through the World's HTTP clients
// (client credentials, a managed-identity endpoint, the Azure CLI, IMDS).
// What an Azure session's start calls, and what the team server calls for
// an Azure grant.
#pragma once

#include "adapters/azure/azure_credentials.h"
#include "core/credentials/azure_identity.h"
#include "session/world.h"

namespace audex {

// FindAzureToken for target.cloud with world.env (and `az` run with
// world.environment when it is on PATH). Errors are kCredentials, say where
// Audex looked and how to log in, and never hold a token.
Result<AzureAccessToken> IssueAzureToken(const AzureTarget& target, const World& world);

}  // namespace audex
