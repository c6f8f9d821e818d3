#include "adapters/aws/tagging_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kTarget = "ResourceGroupsTaggingAPI_20170126.GetResources";

std::string StringAt(const Json& object, const char* name) {
  if (!object.is_object()) return "";
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<std::string> TaggedResource::Tag(std::string_view key) const {
  for (const auto& [tag_key, value] : tags) {
    if (tag_key == key) return value;
  }
  return std::nullopt;
}

std::string BuildGetResourcesByTagBody(std::string_view key, std::string_view value,
                                       std::string_view pagination_token) {
  Json body;
  body["TagFilters"] = Json::array({{{"Key", key}, {"Values", Json::array({value})}}});
  body["ResourcesPerPage"] = 100;
  if (!pagination_token.empty()) body["PaginationToken"] = pagination_token;
  return body.dump();
}

std::string BuildGetResourcesByArnBody(const std::vector<std::string>& arns,
                                       std::string_view pagination_token) {
  Json body;
  body["ResourceARNList"] = arns;
  if (!pagination_token.empty()) body["PaginationToken"] = pagination_token;
  return body.dump();
}

Result<GetResourcesPage> ParseGetResourcesReply(std::string_view body) {
  const Json json = Json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return CredentialsError(
        "the Resource Groups Tagging API replied with something that is not "
        "JSON");
  }
  GetResourcesPage page;
  const auto list = json.find("ResourceTagMappingList");
  if (list == json.end() || !list->is_array()) {
    return CredentialsError(
        "the Resource Groups Tagging API replied without a ResourceTagMappingList");
  }
  for (const Json& item : *list) {
    TaggedResource resource;
    resource.arn = StringAt(item, "ResourceARN");
    if (resource.arn.empty()) continue;
    if (const auto tags = item.find("Tags"); tags != item.end() && tags->is_array()) {
      for (const Json& tag : *tags) {
        resource.tags.emplace_back(StringAt(tag, "Key"), StringAt(tag, "Value"));
      }
    }
    page.resources.push_back(std::move(resource));
  }
  page.pagination_token = StringAt(json, "PaginationToken");
  return page;
}

TaggingClient::TaggingClient(HttpClient& http, std::string endpoint, AwsCallOptions options)
    : http_(http), endpoint_(std::move(endpoint)), options_(std::move(options)) {}

Result<GetResourcesPage> TaggingClient::Page(const AwsCredentials& credentials,
                                             const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  if (request.url.find('/', request.url.find("://") + 3) == std::string::npos) request.url += "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", std::string(kTarget)}};
  request.body = body;
  auto response = SendAwsRequest(http_, request, credentials, options_);
  if (!response) return tl::unexpected(response.error());
  if (response->status != 200) {
    std::string advice;
    if (response->status == 400 || response->status == 403) {
      advice = fmt::format("; the credentials (access key {}) need tag:GetResources in this region",
                           credentials.access_key_id);
    }
    return CredentialsError(fmt::format("tag:GetResources at {} failed with {}{}", endpoint_,
                                        DescribeAwsReply(*response, credentials), advice));
  }
  return ParseGetResourcesReply(response->body);
}

Result<std::vector<TaggedResource>> TaggingClient::FindByTag(const AwsCredentials& credentials,
                                                             std::string_view key,
                                                             std::string_view value) {
  std::vector<TaggedResource> found;
  std::string token;
  for (size_t page = 0; page < kMaxTaggingPages; ++page) {
    auto reply = Page(credentials, BuildGetResourcesByTagBody(key, value, token));
    if (!reply) return tl::unexpected(reply.error());
    for (TaggedResource& resource : reply->resources) found.push_back(std::move(resource));
    if (reply->pagination_token.empty() || reply->pagination_token == token) return found;
    token = reply->pagination_token;
  }
  return CredentialsError(
      fmt::format("tag:GetResources at {} kept answering with more pages after {}; giving up",
                  endpoint_, kMaxTaggingPages));
}

Result<std::vector<TaggedResource>> TaggingClient::TagsOf(const AwsCredentials& credentials,
                                                          const std::vector<std::string>& arns) {
  std::vector<TaggedResource> found;
  for (size_t start = 0; start < arns.size(); start += kMaxArnsPerLookup) {
    const std::vector<std::string> batch(
        arns.begin() + static_cast<long>(start),
        arns.begin() + static_cast<long>(std::min(arns.size(), start + kMaxArnsPerLookup)));
    std::string token;
    for (size_t page = 0;; ++page) {
      if (page == kMaxTaggingPages) {
        return CredentialsError(fmt::format(
            "tag:GetResources at {} kept answering with more pages; giving up", endpoint_));
      }
      auto reply = Page(credentials, BuildGetResourcesByArnBody(batch, token));
      if (!reply) return tl::unexpected(reply.error());
      // A server that ignores ResourceARNList (moto) answers with more than
      // was asked: only the ARNs asked about count.
      for (TaggedResource& resource : reply->resources) {
        if (std::find(batch.begin(), batch.end(), resource.arn) != batch.end()) {
          found.push_back(std::move(resource));
        }
      }
      if (reply->pagination_token.empty() || reply->pagination_token == token) break;
      token = reply->pagination_token;
    }
  }
  return found;
}

}  // namespace audex
