#include "catalog/learned_policy.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/base/text.h"

namespace audex {
namespace {

bool LessIgnoreCase(const std::string& a, const std::string& b) {
  const std::string la = ToLower(a), lb = ToLower(b);
  return la != lb ? la < lb : a < b;
}

void CountUnmapped(std::vector<UnmappedOperation>& list, const ObservedCall& call) {
  for (UnmappedOperation& seen : list) {
    if (seen.service == call.service && seen.operation == call.operation) {
      ++seen.calls;
      return;
    }
  }
  list.push_back({call.service, call.operation, 1});
}

}  // namespace

std::string LearnedPolicy::AllowList() const {
  std::vector<std::string> names;
  for (const LearnedAction& action : actions) names.push_back(action.action);
  return Join(names, ",");
}

std::vector<std::string> LearnedPolicy::RecommendedResources() const {
  std::vector<std::string> recommended;
  for (const std::string& arn : resources) {
    recommended.push_back(arn);
    if (arn.starts_with("arn:aws:s3:::") && arn.find('/') == std::string::npos) {
      recommended.push_back(arn + "/*");
    }
  }
  std::sort(recommended.begin(), recommended.end());
  recommended.erase(std::unique(recommended.begin(), recommended.end()), recommended.end());
  return recommended;
}

LearnedPolicy LearnPolicy(const ActionCatalog& catalog, const std::vector<ObservedCall>& calls) {
  LearnedPolicy learned;
  std::map<std::string, LearnedAction> by_key;  // lower-cased action
  std::set<std::string> resources;
  std::vector<LearnedConditional> conditional;
  for (const ObservedCall& call : calls) {
    ++learned.total_calls;
    const std::optional<std::string> prefix = call.naming == ServiceNaming::kSdkServiceId
                                                  ? IamPrefixForServiceId(catalog, call.service)
                                                  : IamPrefixForEventSource(catalog, call.service);
    OperationMapping mapping;
    if (prefix) mapping = MapOperation(catalog, *prefix, call.operation);
    if (mapping.source == MappingSource::kNoPermission) {
      CountUnmapped(learned.no_permission, call);
      continue;
    }
    if (mapping.source == MappingSource::kUnknown) {
      CountUnmapped(learned.unknown, call);
      continue;
    }
    const std::string operation = call.service + " " + call.operation;
    for (const std::string& action : mapping.actions) {
      LearnedAction& entry = by_key[ToLower(action)];
      entry.action = action;
      ++entry.calls;
      if (call.denied) {
        ++entry.denied;
      } else if (!call.error_code.empty() || (call.http_status && *call.http_status >= 400)) {
        ++entry.failed;
      }
      if (std::find(entry.operations.begin(), entry.operations.end(), operation) ==
          entry.operations.end()) {
        entry.operations.push_back(operation);
      }
    }
    for (const ConditionalAction& extra : mapping.conditional) {
      conditional.push_back({extra.action, extra.when, operation});
    }
    resources.insert(call.resources.begin(), call.resources.end());
  }
  for (auto& [key, action] : by_key) {
    std::sort(action.operations.begin(), action.operations.end());
    learned.actions.push_back(std::move(action));
  }
  std::sort(learned.actions.begin(), learned.actions.end(),
            [](const LearnedAction& a, const LearnedAction& b) {
              return LessIgnoreCase(a.action, b.action);
            });
  for (LearnedConditional& extra : conditional) {
    const bool granted = by_key.count(ToLower(extra.action)) > 0;
    const bool seen = std::any_of(
        learned.conditional.begin(), learned.conditional.end(), [&](const LearnedConditional& c) {
          return c.action == extra.action && c.operation == extra.operation;
        });
    if (!granted && !seen) learned.conditional.push_back(std::move(extra));
  }
  learned.resources.assign(resources.begin(), resources.end());
  return learned;
}

}  // namespace audex
