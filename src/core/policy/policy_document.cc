#include "core/policy/policy_document.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson StringOrList(const std::vector<std::string>& items) {
  if (items.size() == 1) return items.front();
  return OrderedJson(items);
}

Result<std::vector<std::string>> ReadStringOrList(const nlohmann::json& value, std::string_view key,
                                                  size_t index) {
  const auto fail = [&] {
    return PolicyError(
        fmt::format("statement {}: \"{}\" must be a string or a list of strings", index + 1, key));
  };
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) return fail();
      out.push_back(item.get<std::string>());
    }
  } else {
    return fail();
  }
  return out;
}

// A Condition block: {operator: {key: value or list}}. Values may be
// strings, booleans or numbers (IAM takes "false" and false alike).
std::vector<Condition> ReadConditions(const nlohmann::json& block) {
  std::vector<Condition> conditions;
  const Condition unreadable;
  if (!block.is_object()) return {unreadable};
  const auto text = [](const nlohmann::json& value) -> std::optional<std::string> {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean() || value.is_number()) return value.dump();
    return std::nullopt;
  };
  for (const auto& [op, tests] : block.items()) {
    if (!tests.is_object()) {
      conditions.push_back(unreadable);
      continue;
    }
    for (const auto& [key, value] : tests.items()) {
      Condition condition{op, key, {}};
      const bool list = value.is_array();
      for (const auto& item : list ? value : nlohmann::json::array({value})) {
        auto item_text = text(item);
        if (!item_text) {
          condition.op.clear();
          break;
        }
        condition.values.push_back(std::move(*item_text));
      }
      conditions.push_back(std::move(condition));
    }
  }
  return conditions;
}

Result<Statement> ReadStatement(const nlohmann::json& object, size_t index) {
  if (!object.is_object()) {
    return PolicyError(fmt::format("statement {} is not a JSON object", index + 1));
  }
  Statement statement;
  for (const auto& [key, value] : object.items()) {
    if (key == "Sid") {
      if (!value.is_string()) {
        return PolicyError(fmt::format("statement {}: \"Sid\" must be a string", index + 1));
      }
      statement.sid = value.get<std::string>();
    } else if (key == "Effect") {
      if (value == "Allow") {
        statement.effect = Effect::kAllow;
      } else if (value == "Deny") {
        statement.effect = Effect::kDeny;
      } else {
        return PolicyError(
            fmt::format("statement {}: \"Effect\" must be \"Allow\" or \"Deny\"", index + 1));
      }
    } else if (key == "Action" || key == "NotAction" || key == "Resource" || key == "NotResource") {
      auto items = ReadStringOrList(value, key, index);
      if (!items) return tl::unexpected(items.error());
      auto& target = key == "Action"      ? statement.actions
                     : key == "NotAction" ? statement.not_actions
                     : key == "Resource"  ? statement.resources
                                          : statement.not_resources;
      target = std::move(*items);
    } else if (key == "Condition") {
      statement.has_condition = true;
      statement.conditions = ReadConditions(value);
    } else if (key != "Principal" && key != "NotPrincipal") {
      return PolicyError(fmt::format("statement {}: unknown key \"{}\"", index + 1, key));
    }
  }
  if (!object.contains("Effect")) {
    return PolicyError(fmt::format("statement {} has no \"Effect\"", index + 1));
  }
  if (statement.actions.empty() == statement.not_actions.empty()) {
    return PolicyError(
        fmt::format("statement {} needs exactly one of \"Action\" and \"NotAction\"", index + 1));
  }
  return statement;
}

}  // namespace

std::string RenderPolicy(const PolicyDocument& document) {
  OrderedJson root;
  root["Version"] = document.version;
  OrderedJson statements = OrderedJson::array();
  for (const Statement& statement : document.statements) {
    OrderedJson object;
    if (!statement.sid.empty()) object["Sid"] = statement.sid;
    object["Effect"] = statement.effect == Effect::kAllow ? "Allow" : "Deny";
    if (!statement.actions.empty()) object["Action"] = StringOrList(statement.actions);
    if (!statement.not_actions.empty()) object["NotAction"] = StringOrList(statement.not_actions);
    if (!statement.resources.empty()) object["Resource"] = StringOrList(statement.resources);
    if (!statement.not_resources.empty()) {
      object["NotResource"] = StringOrList(statement.not_resources);
    }
    if (!statement.conditions.empty()) {
      OrderedJson block = OrderedJson::object();
      for (const Condition& condition : statement.conditions) {
        block[condition.op][condition.key] = StringOrList(condition.values);
      }
      object["Condition"] = std::move(block);
    }
    statements.push_back(std::move(object));
  }
  root["Statement"] = std::move(statements);
  return root.dump();
}

Result<PolicyDocument> ParsePolicy(std::string_view json) {
  const nlohmann::json root = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return PolicyError("the policy document is not valid JSON");
  if (!root.is_object()) return PolicyError("the policy document is not a JSON object");
  PolicyDocument document;
  if (const auto version = root.find("Version"); version != root.end()) {
    if (!version->is_string()) return PolicyError("\"Version\" must be a string");
    document.version = version->get<std::string>();
  }
  const auto statements = root.find("Statement");
  if (statements == root.end()) return PolicyError("the policy document has no \"Statement\"");
  if (statements->is_object()) {
    auto statement = ReadStatement(*statements, 0);
    if (!statement) return tl::unexpected(statement.error());
    document.statements.push_back(std::move(*statement));
  } else if (statements->is_array()) {
    for (size_t i = 0; i < statements->size(); ++i) {
      auto statement = ReadStatement((*statements)[i], i);
      if (!statement) return tl::unexpected(statement.error());
      document.statements.push_back(std::move(*statement));
    }
  } else {
    return PolicyError("\"Statement\" must be an object or a list of objects");
  }
  return document;
}

Result<void> CheckSessionPolicySize(std::string_view rendered) {
  if (rendered.size() > kSessionPolicyLimit) {
    return PolicyError(fmt::format(
        "the session policy is {} characters, over AWS's limit of {} for session policies "
        "({} too many); use wildcards such as s3:Get*, fewer actions, or fewer --resource ARNs",
        rendered.size(), kSessionPolicyLimit, rendered.size() - kSessionPolicyLimit));
  }
  return {};
}

}  // namespace audex
