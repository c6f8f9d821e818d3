// libFuzzer target: `tryaudex intent` input — the sentence through the
// offline parser, and arbitrary text as Claude's answer — then the catalog
// check both go through.
//
// Input: the first byte picks the provider (mod 3: aws, gcp, azure); the
// rest is the sentence, and also Claude's answer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "catalog/action_catalog.h"
#include "catalog/intent_check.h"
#include "core/intent/intent.h"
#include "core/intent_offline.h"
#include "core/resource.h"
#include "core/text.h"

namespace {

void Require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", invariant);
  __builtin_trap();
}

const std::set<std::string>& RuleActions() {
  static const std::set<std::string> actions = [] {
    std::set<std::string> out;
    for (const std::string& action : audex::OfflineIntentAwsActions()) out.insert(action);
    return out;
  }();
  return actions;
}

// What CheckIntent promises of whatever it lets through.
void CheckChecked(const audex::IntentPolicy& proposed, audex::Provider provider) {
  const auto checked =
      audex::CheckIntent(proposed, provider, audex::ActionCatalog::Builtin(), "fuzz");
  if (!checked) {
    Require(checked.error().kind == audex::ErrorKind::kPolicy, "a failed check is a policy error");
    return;
  }
  Require(!checked->policy.actions.empty(), "a passed check keeps an action");
  Require(!checked->policy.description.empty(), "a passed check has a description");
  for (const std::string& resource : checked->policy.resources) {
    Require(audex::CheckArn(resource, "fuzz").has_value(), "every kept resource is an ARN");
  }
  if (provider != audex::Provider::kAws) {
    Require(checked->policy.resources.empty(), "GCP and Azure keep no resources");
  }
  const std::string json = audex::RenderIntentJson(checked->policy, audex::IntentSource::kClaude);
  Require(audex::ParseIntentReply(json).has_value(), "the rendered answer reads back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const audex::Provider provider = audex::kAllProviders[data[0] % 3];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (text.size() > 2000) return 0;  // one sentence; longer inputs only slow the search

  const auto offline = audex::ParseIntentOffline(text, provider);
  const auto again = audex::ParseIntentOffline(text, provider);
  Require(offline.has_value() == again.has_value(), "the offline parser is deterministic");
  if (offline) {
    Require(offline->policy.actions == again->policy.actions &&
                offline->policy.resources == again->policy.resources &&
                offline->policy.description == again->policy.description,
            "the offline parser is deterministic");
    Require(!offline->policy.actions.empty(), "an offline answer has actions");
    Require(!offline->policy.description.empty(), "an offline answer has a description");
    Require(offline->confidence == audex::IntentConfidence::kHigh || !offline->warnings.empty(),
            "low confidence comes with a warning");
    const std::string lowered = audex::ToLower(text);
    for (const std::string& action : offline->policy.actions) {
      // A rule's action, or one the sentence wrote out itself.
      const bool from_rule = provider == audex::Provider::kAws && RuleActions().count(action);
      const bool written = lowered.find(audex::ToLower(action)) != std::string::npos;
      Require(from_rule || written || provider != audex::Provider::kAws,
              "every AWS action comes from a rule or the sentence");
    }
    CheckChecked(offline->policy, provider);
  }

  const auto reply = audex::ParseIntentReply(text);
  if (reply) {
    CheckChecked(*reply, provider);
  } else {
    Require(reply.error().kind == audex::ErrorKind::kCredentials, "a bad answer is a cloud error");
  }
  return 0;
}
