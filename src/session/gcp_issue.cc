#include "session/gcp_issue.h"

#include "adapters/gcp/gcp_iam_client.h"

namespace audex {

Result<GcpAccessToken> FindGcpBaseToken(const World& world) {
  std::unique_ptr<HttpClient> http = world.http(GcpHttpOptions(world.env));
  std::unique_ptr<HttpClient> metadata_http = world.http(GcpMetadataHttpOptions(world.env));
  return ResolveGcpBaseToken(world.env, *http, *metadata_http);
}

Result<GcpAccessToken> IssueGcpToken(const GcpTarget& target,
                                     const std::optional<std::string>& access_boundary,
                                     std::chrono::seconds lifetime, const GcpAccessToken& base,
                                     const World& world) {
  std::unique_ptr<HttpClient> http = world.http(GcpHttpOptions(world.env));
  auto token = GenerateAccessToken(*http, target.endpoints, base, target.service_account, lifetime);
  if (!token) return tl::unexpected(token.error());
  if (!access_boundary) return token;
  return ExchangeWithAccessBoundary(*http, target.endpoints, *token, *access_boundary);
}

}  // namespace audex
