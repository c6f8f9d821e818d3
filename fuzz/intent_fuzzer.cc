// libFuzzer target: `tryaudex intent` input — the sentence through the
// offline parser, and arbitrary text as Claude's answer — then the catalog
// check both go through.
//
// Input: the first byte picks the provider (mod 3: aws, gcp, azure); the
// rest is the sentence, and also Claude's answer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "catalog/action_catalog.h"
#include "catalog/intent/offline_intent.h"
#include "catalog/intent_check.h"
#include "core/base/text.h"
#include "core/intent/intent.h"
#include "core/policy/resource.h"

namespace {

void Require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", invariant);
  __builtin_trap();
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
      // An action of the catalog, or one the sentence wrote out itself.
      const bool known = audex::ActionCatalog::Builtin().Lookup(action).has_value();
      const bool written = lowered.find(audex::ToLower(action)) != std::string::npos;
      Require(known || written || provider != audex::Provider::kAws,
              "every AWS action is the catalog's or the sentence's");
    }
    // Every statement's actions and resources are in the union, and no
    // statement is empty.
    for (const audex::IntentStatement& statement : offline->policy.statements) {
      Require(!statement.actions.empty(), "a statement has actions");
      for (const std::string& action : statement.actions) {
        Require(std::find(offline->policy.actions.begin(), offline->policy.actions.end(), action) !=
                    offline->policy.actions.end(),
                "a statement's action is in the union");
      }
      for (const std::string& resource : statement.resources) {
        Require(std::find(offline->policy.resources.begin(), offline->policy.resources.end(),
                          resource) != offline->policy.resources.end(),
                "a statement's resource is in the union");
      }
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
