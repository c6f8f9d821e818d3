#include "core/plan/session_request.h"

#include <fmt/format.h>

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// The string fields, each with its member in the request.
constexpr std::pair<const char*, std::optional<std::string> SessionRequest::*> kStrings[] = {
    {"provider", &SessionRequest::provider},
    {"allow", &SessionRequest::allow},
    {"profile", &SessionRequest::profile},
    {"resource", &SessionRequest::resource},
    {"ttl", &SessionRequest::ttl},
    {"role_arn", &SessionRequest::role_arn},
    {"region", &SessionRequest::region},
    {"source_identity", &SessionRequest::source_identity},
    {"source_ip", &SessionRequest::source_ip},
    {"max_duration", &SessionRequest::max_duration},
    {"server", &SessionRequest::server},
    {"reason", &SessionRequest::reason},
};

constexpr std::pair<const char*, bool SessionRequest::*> kFlags[] = {
    {"allow_unknown", &SessionRequest::allow_unknown},
    {"unscoped_allowed", &SessionRequest::unscoped_allowed},
    {"no_compress", &SessionRequest::no_compress},
    {"scope_current", &SessionRequest::scope_current},
    {"tag_session", &SessionRequest::tag_session},
    {"broker", &SessionRequest::broker},
    {"allow_credential_calls", &SessionRequest::allow_credential_calls},
};

// Set either way, or left to config.toml: --serve, --no-sandbox.
constexpr std::pair<const char*, std::optional<bool> SessionRequest::*> kOptionalFlags[] = {
    {"serve", &SessionRequest::serve},
    {"sandbox", &SessionRequest::sandbox},
};

constexpr std::pair<const char*, std::vector<std::string> SessionRequest::*> kLists[] = {
    {"chain", &SessionRequest::chain},
    {"policy_arns", &SessionRequest::policy_arns},
};

}  // namespace

OrderedJson SessionRequestJson(const SessionRequest& request) {
  OrderedJson json = OrderedJson::object();
  for (const auto& [name, member] : kStrings) {
    if (request.*member) json[name] = *(request.*member);
  }
  for (const auto& [name, member] : kFlags) {
    if (request.*member) json[name] = true;
  }
  for (const auto& [name, member] : kLists) {
    if (!(request.*member).empty()) json[name] = request.*member;
  }
  for (const auto& [name, member] : kOptionalFlags) {
    if (request.*member) json[name] = *(request.*member);
  }
  return json;
}

Result<SessionRequest> ParseSessionRequestJson(const Json& json) {
  if (!json.is_object()) return StateError("field \"request\" is not an object");
  SessionRequest request;
  const auto bad = [](const std::string& name, const char* what) {
    return StateError(fmt::format("field \"request.{}\" is not {}", name, what));
  };
  for (const auto& [name, member] : kStrings) {
    if (const auto it = json.find(name); it != json.end()) {
      if (!it->is_string()) return bad(name, "a string");
      request.*member = it->get<std::string>();
    }
  }
  for (const auto& [name, member] : kFlags) {
    if (const auto it = json.find(name); it != json.end()) {
      if (!it->is_boolean()) return bad(name, "true or false");
      request.*member = it->get<bool>();
    }
  }
  for (const auto& [name, member] : kLists) {
    if (const auto it = json.find(name); it != json.end()) {
      if (!it->is_array()) return bad(name, "a list");
      for (const Json& item : *it) {
        if (!item.is_string()) return bad(name, "a list of strings");
        (request.*member).push_back(item.get<std::string>());
      }
    }
  }
  for (const auto& [name, member] : kOptionalFlags) {
    if (const auto it = json.find(name); it != json.end()) {
      if (!it->is_boolean()) return bad(name, "true or false");
      request.*member = it->get<bool>();
    }
  }
  return request;
}

}  // namespace audex
