// TaggingClient: the Resource Groups Tagging API's GetResources (JSON 1.1,
// X-Amz-Target ResourceGroupsTaggingAPI_20170126.GetResources, SigV4 name
// "tagging"): every resource of a region that carries a tag, page by page,
// and the current tags of resources named by ARN. `tryaudex cleanup` finds
// what a session created with it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/aws_call.h"
#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

struct TaggedResource {
  std::string arn;
  std::vector<std::pair<std::string, std::string>> tags;  // key, value

  // The value of `key`, or nullopt when the resource does not carry it.
  std::optional<std::string> Tag(std::string_view key) const;
};

struct GetResourcesPage {
  std::vector<TaggedResource> resources;
  std::string pagination_token;  // empty on the last page
};

// The request bodies: resources whose tag `key` has `value` (TagFilters),
// or the resources named in `arns` (ResourceARNList, at most 100), from
// `pagination_token` on.
std::string BuildGetResourcesByTagBody(std::string_view key, std::string_view value,
                                       std::string_view pagination_token);
std::string BuildGetResourcesByArnBody(const std::vector<std::string>& arns,
                                       std::string_view pagination_token);

// Reads a reply: ResourceTagMappingList (ResourceARN, Tags) and
// PaginationToken. kCredentials for a body that is not such a document.
Result<GetResourcesPage> ParseGetResourcesReply(std::string_view body);

// The API's limits: ResourceARNList takes at most 100 ARNs; the page loop
// stops after kMaxTaggingPages (a server that never ends its token).
inline constexpr size_t kMaxArnsPerLookup = 100;
inline constexpr size_t kMaxTaggingPages = 1000;

// Not thread-safe. Errors are kCredentials naming the endpoint, the HTTP
// status and the service's code; never a secret.
class TaggingClient {
 public:
  TaggingClient(HttpClient& http, std::string endpoint, AwsCallOptions options);

  // Every resource whose tag `key` is `value`, all pages.
  Result<std::vector<TaggedResource>> FindByTag(const AwsCredentials& credentials,
                                                std::string_view key, std::string_view value);

  // The current tags of `arns` (in batches of kMaxArnsPerLookup); an ARN
  // the API does not answer for is absent from the result.
  Result<std::vector<TaggedResource>> TagsOf(const AwsCredentials& credentials,
                                             const std::vector<std::string>& arns);

 private:
  Result<GetResourcesPage> Page(const AwsCredentials& credentials, const std::string& body);

  HttpClient& http_;
  std::string endpoint_;
  AwsCallOptions options_;
};

}  // namespace audex
