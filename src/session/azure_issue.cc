#include "session/azure_issue.h"

#include "adapters/azure/azure_cli_config.h"

namespace audex {

Result<AzureAccessToken> IssueAzureToken(const AzureTarget& target, const World& world) {
  std::unique_ptr<HttpClient> http = world.http(AzureHttpOptions(world.env));
  std::unique_ptr<HttpClient> imds_http = world.http(AzureImdsHttpOptions(world.env));
  return FindAzureToken(world.env, world.environment, target.cloud, *http, *imds_http,
                        world.clock());
}

}  // namespace audex
