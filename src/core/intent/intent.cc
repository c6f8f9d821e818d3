#include "core/intent/intent.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/text.h"

namespace audex {
namespace {

using Json = nlohmann::json;

// How much of a bad answer an error message quotes: enough to recognise it.
constexpr size_t kQuoteLimit = 80;

std::string Quote(std::string_view text) {
  std::string quoted(Trim(text).substr(0, kQuoteLimit));
  for (char& c : quoted) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return Trim(text).size() > kQuoteLimit ? quoted + "..." : quoted;
}

tl::unexpected<Error> BadAnswer(std::string_view problem, std::string_view text) {
  return CredentialsError(
      fmt::format("Claude's answer {} (it began \"{}\"); try again, rephrase the sentence, or use "
                  "--offline",
                  problem, Quote(text)));
}

// The JSON object in `text`: the body of a ```json (or ```) fence if there
// is one, else from the first '{' to the last '}'.
std::string_view JsonCandidate(std::string_view text) {
  if (const size_t fence = text.find("```"); fence != std::string_view::npos) {
    size_t start = text.find('\n', fence);
    if (start != std::string_view::npos) {
      ++start;
      const size_t end = text.find("```", start);
      if (end != std::string_view::npos) return Trim(text.substr(start, end - start));
    }
  }
  const size_t open = text.find('{');
  const size_t close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return text.substr(open, close - open + 1);
}

// A comma list or an array of strings, as items; null gives none.
Result<std::vector<std::string>> ListField(const Json& object, const char* key,
                                           std::string_view text, bool required) {
  const auto found = object.find(key);
  if (found == object.end()) {
    if (required) return BadAnswer(fmt::format("has no \"{}\" field", key), text);
    return std::vector<std::string>{};
  }
  std::vector<std::string> items;
  if (found->is_null()) return items;
  if (found->is_string()) {
    for (std::string& item : SplitCommaList(found->get<std::string>())) {
      if (!item.empty()) items.push_back(std::move(item));
    }
    return items;
  }
  if (found->is_array()) {
    for (const Json& item : *found) {
      if (!item.is_string()) {
        return BadAnswer(fmt::format("has a non-string item in \"{}\"", key), text);
      }
      const std::string value(Trim(item.get<std::string>()));
      if (!value.empty()) items.push_back(value);
    }
    return items;
  }
  return BadAnswer(fmt::format("has \"{}\" that is neither a string, a list nor null", key), text);
}

}  // namespace

std::string_view IntentSourceName(IntentSource source) {
  return source == IntentSource::kClaude ? "claude" : "offline";
}

std::string IntentSystemPrompt(Provider provider) {
  std::string actions_rule;
  std::string resource_rule;
  switch (provider) {
    case Provider::kAws:
      actions_rule =
          "AWS IAM actions written service:Action exactly as the AWS Service Authorization "
          "Reference spells them (s3:GetObject, dynamodb:Query, lambda:InvokeFunction)";
      resource_rule =
          "the ARNs of the resources the sentence names, as IAM policy Resource values: a bucket "
          "my-bucket is arn:aws:s3:::my-bucket for bucket actions (s3:ListBucket) and "
          "arn:aws:s3:::my-bucket/* for object actions; a DynamoDB table t is "
          "arn:aws:dynamodb:*:*:table/t; use * for region and account unless the sentence gives "
          "them. Use null when no resource is named";
      break;
    case Provider::kGcp:
      actions_rule =
          "Google Cloud IAM permissions written service.resource.verb "
          "(storage.objects.get, bigquery.tables.getData)";
      resource_rule = "always null (these permissions are granted without a resource list)";
      break;
    case Provider::kAzure:
      actions_rule =
          "Azure RBAC operations written Namespace.Provider/type/operation "
          "(Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read)";
      resource_rule = "always null (these operations are granted without a resource list)";
      break;
  }
  return fmt::format(
      "You write least-privilege {provider} permissions for one command. The user describes in "
      "one sentence what the command must do. Answer with exactly one JSON object and nothing "
      "else, with these fields:\n"
      "- \"allow\": a comma-separated string of {actions}. Give the smallest set that lets the "
      "command do what the sentence says and nothing more. No wildcards unless the sentence asks "
      "for every action of a kind; never \"*\" or \"*:*\"; no permission, identity or "
      "account-administration actions unless asked for.\n"
      "- \"resource\": a comma-separated string of {resources}.\n"
      "- \"description\": one short plain-English sentence saying what the permissions allow.\n"
      "Example: \"Read from S3 bucket and invoke a Lambda function\" -> "
      "{{\"allow\": \"s3:GetObject,lambda:InvokeFunction\", \"resource\": null, \"description\": "
      "\"Read objects from S3 and invoke Lambda functions\"}}\n"
      "Example: \"Read only from my-bucket in S3\" -> {{\"allow\": \"s3:GetObject\", "
      "\"resource\": \"arn:aws:s3:::my-bucket/*\", \"description\": \"Read objects from a "
      "specific S3 bucket\"}}{note}",
      fmt::arg("provider", provider == Provider::kAws   ? "AWS IAM"
                           : provider == Provider::kGcp ? "Google Cloud IAM"
                                                        : "Azure RBAC"),
      fmt::arg("actions", actions_rule), fmt::arg("resources", resource_rule),
      fmt::arg("note", provider == Provider::kAws
                           ? ""
                           : fmt::format("\nThe examples are for AWS; answer for {} instead.",
                                         ProviderName(provider))));
}

Result<IntentPolicy> ParseIntentReply(std::string_view text) {
  // A reply that is one JSON document as a whole is read as it is: a fence
  // quoted inside one of its strings is not a fenced block.
  Json object = Json::parse(text, nullptr, false);
  if (object.is_discarded()) {
    const std::string_view candidate = JsonCandidate(text);
    if (candidate.empty()) return BadAnswer("holds no JSON object", text);
    object = Json::parse(candidate, nullptr, false);
    if (object.is_discarded()) return BadAnswer("is not valid JSON", text);
  }
  if (!object.is_object()) return BadAnswer("is JSON but not an object", text);

  IntentPolicy policy;
  auto actions = ListField(object, "allow", text, true);
  if (!actions) return tl::unexpected(actions.error());
  policy.actions = std::move(*actions);
  auto resources = ListField(object, "resource", text, false);
  if (!resources) return tl::unexpected(resources.error());
  policy.resources = std::move(*resources);
  if (const auto found = object.find("description"); found != object.end()) {
    if (!found->is_string()) return BadAnswer("has a \"description\" that is not a string", text);
    policy.description = std::string(Trim(found->get<std::string>()));
  }
  return policy;
}

std::string RenderIntentJson(const IntentPolicy& policy, IntentSource source) {
  nlohmann::ordered_json json;
  json["allow"] = Join(policy.actions, ",");
  json["resource"] = policy.resources.empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(Join(policy.resources, ","));
  json["description"] = policy.description;
  json["source"] = IntentSourceName(source);
  if (policy.statements.size() > 1) {
    nlohmann::ordered_json statements = nlohmann::ordered_json::array();
    for (const IntentStatement& statement : policy.statements) {
      nlohmann::ordered_json item;
      item["allow"] = Join(statement.actions, ",");
      item["resource"] = statement.resources.empty()
                             ? nlohmann::ordered_json(nullptr)
                             : nlohmann::ordered_json(Join(statement.resources, ","));
      statements.push_back(std::move(item));
    }
    json["statements"] = std::move(statements);
  }
  // The description can quote the sentence, which need not be UTF-8.
  return json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace audex
