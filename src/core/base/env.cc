#include "core/base/env.h"

#include <algorithm>
#include <memory>

namespace audex {

EnvLookup LookupIn(Environment environment) {
  auto shared = std::make_shared<const Environment>(std::move(environment));
  return [shared](const std::string& name) -> std::optional<std::string> {
    for (const auto& [key, value] : *shared) {
      if (key == name) return value;
    }
    return std::nullopt;
  };
}

std::optional<std::string> NonEmptyVariable(const EnvLookup& env, const std::string& name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

void SetVariable(Environment& environment, const std::string& name, const std::string& value) {
  for (auto& [existing, old_value] : environment) {
    if (existing == name) {
      old_value = value;
      return;
    }
  }
  environment.emplace_back(name, value);
}

void UnsetVariable(Environment& environment, std::string_view name) {
  environment.erase(std::remove_if(environment.begin(), environment.end(),
                                   [&](const auto& entry) { return entry.first == name; }),
                    environment.end());
}

}  // namespace audex
