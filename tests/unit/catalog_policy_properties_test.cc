// Property tests for the policy engine with the real action catalog: however
// the document is written (the request's patterns with an explicit Deny, the
// exact remaining set, or packed wildcards), the Allow/Deny evaluator must
// find it grants exactly (expanded request) minus (expanded deny list).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <fmt/format.h>

#include "catalog/action_catalog.h"
#include "catalog/catalog_universe.h"
#include "core/base/text.h"
#include "core/plan/session_plan.h"
#include "core/policy/glob.h"
#include "core/policy/policy_evaluator.h"

namespace audex {
namespace {

const std::vector<std::string> kServices = {"s3", "dynamodb", "lambda", "sqs", "kms"};

// A pattern over one of a few services: an exact name, a prefix wildcard cut
// from a real name, or an access-level selector.
rc::Gen<std::string> PatternFor(const std::string& service) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  const ServiceInfo info = *catalog.FindService(service);
  return rc::gen::apply(
      [service, info, &catalog](size_t index, int kind, size_t cut) {
        const std::string name(catalog.Get(info.first_action + index).name());
        if (kind == 0) return service + ":" + name;
        if (kind == 1) return service + ":" + name.substr(0, std::min(cut, name.size())) + "*";
        static const char* kLevels[] = {"@read", "@list", "@write", "@tagging"};
        return service + ":" + kLevels[cut % 4];
      },
      rc::gen::inRange<size_t>(0, info.action_count()), rc::gen::inRange(0, 3),
      rc::gen::inRange<size_t>(1, 8));
}

rc::Gen<std::vector<std::string>> Patterns(size_t min, size_t max) {
  return rc::gen::mapcat(rc::gen::inRange(min, max), [](size_t count) {
    return rc::gen::container<std::vector<std::string>>(
        count, rc::gen::mapcat(rc::gen::elementOf(kServices), PatternFor));
  });
}

bool Granted(const ActionUniverse& universe, const std::vector<std::string>& patterns,
             const std::string& action) {
  for (const std::string& pattern : patterns) {
    const auto members = universe.Expand(pattern);
    for (const std::string& member : *members) {
      if (EqualsIgnoreCase(member, action)) return true;
    }
  }
  return false;
}

RC_GTEST_PROP(CatalogPolicyProperties, DocumentGrantsExactlyRequestMinusDeny, ()) {
  const ActionUniverse& universe = BuiltinAwsActions();
  const auto requested = *Patterns(1, 6);
  const auto denied = *Patterns(0, 5);
  const bool compress = *rc::gen::arbitrary<bool>();
  AccessRequest request;
  request.allow = Join(requested, ",");
  auto plan =
      PlanSession(request, std::nullopt, UserConfig{}, ProfileCatalog{},
                  MakeDenyList(denied, "deny-list.toml").value(), {"true"}, &universe, compress);
  if (!plan) {
    // Only three failures are legitimate: all denied, too large to fit, or
    // a selector of a level the service has no actions at (sqs:@list).
    const std::string& message = plan.error().message;
    RC_ASSERT(message.find("every requested action is denied") != std::string::npos ||
              message.find("2048") != std::string::npos ||
              message.find("selects no action") != std::string::npos);
    return;
  }
  RC_ASSERT(plan->policy_json.size() <= kSessionPolicyLimit);
  for (const std::string& service : kServices) {
    const auto every = universe.Expand(service + ":*");
    for (const std::string& action : *every) {
      const bool expected =
          Granted(universe, requested, action) && !Granted(universe, denied, action);
      if ((Evaluate(*plan->policy, action) == Decision::kAllow) != expected) {
        RC_FAIL(fmt::format("{}: expected {}; request {}, deny {}, policy {}", action, expected,
                            Join(requested, ","), Join(denied, ","), plan->policy_json));
      }
    }
  }
}

}  // namespace
}  // namespace audex
