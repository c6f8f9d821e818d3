// The environment as values: a lookup function and an ordered snapshot.
// Every layer above core reads variables through these, never getenv, so a
// test can hand a whole command a made-up environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace audex {

// A read-only view of an environment: the value of a variable, or nullopt.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// An environment as a process receives it: NAME=VALUE pairs in order.
using Environment = std::vector<std::pair<std::string, std::string>>;

// A lookup over `environment` (a copy is kept; the first entry of a name wins,
// as getenv's does).
EnvLookup LookupIn(Environment environment);

// The variable's value, or nullopt when it is unset or empty (an empty
// value means "not set" for every variable Audex reads).
std::optional<std::string> NonEmptyVariable(const EnvLookup& env, const std::string& name);

// Sets `name` to `value`, replacing an earlier value in place or appending.
void SetVariable(Environment& environment, const std::string& name, const std::string& value);

// Removes every variable called `name`.
void UnsetVariable(Environment& environment, std::string_view name);

}  // namespace audex
