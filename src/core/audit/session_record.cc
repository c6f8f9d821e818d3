// Session records: their steps, their state, and their JSON file (session_record.h).
#include "core/audit/session_record.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/rfc3339.h"
#include "core/base/text.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson OptionalJson(const std::optional<std::string>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson OptionalJson(const std::optional<int>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson OptionalJson(const std::optional<TimePoint>& value) {
  return value ? OrderedJson(FormatRfc3339(*value)) : OrderedJson(nullptr);
}

// Reads fields of a session file, remembering the first problem so that
// the caller can check once at the end.
class FieldReader {
 public:
  explicit FieldReader(const OrderedJson& object) : object_(object) {}

  const std::optional<std::string>& problem() const { return problem_; }

  const OrderedJson* Field(const char* name, bool required) {
    const auto it = object_.find(name);
    if (it == object_.end() || (!required && it->is_null())) {
      if (required) Fail(fmt::format("field \"{}\" is missing", name));
      return nullptr;
    }
    return &*it;
  }

  std::string String(const char* name) {
    const OrderedJson* value = Field(name, true);
    if (value == nullptr) return {};
    if (!value->is_string()) {
      Fail(fmt::format("field \"{}\" is not a string", name));
      return {};
    }
    return value->get<std::string>();
  }

  std::optional<std::string> OptionalString(const char* name) {
    const OrderedJson* value = Field(name, false);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
      Fail(fmt::format("field \"{}\" is not a string or null", name));
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  std::optional<int> OptionalInt(const char* name) {
    const OrderedJson* value = Field(name, false);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number_integer() || *value < INT32_MIN || *value > INT32_MAX) {
      Fail(fmt::format("field \"{}\" is not an integer or null", name));
      return std::nullopt;
    }
    return value->get<int>();
  }

  std::optional<uint64_t> OptionalUnsigned(const char* name) {
    const OrderedJson* value = Field(name, false);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number_unsigned()) {
      Fail(fmt::format("field \"{}\" is not a non-negative integer or null", name));
      return std::nullopt;
    }
    return value->get<uint64_t>();
  }

  long long Integer(const char* name) {
    const OrderedJson* value = Field(name, true);
    if (value == nullptr) return 0;
    if (!value->is_number_integer()) {
      Fail(fmt::format("field \"{}\" is not an integer", name));
      return 0;
    }
    return value->get<long long>();
  }

  std::vector<std::string> Strings(const char* name) {
    const OrderedJson* value = Field(name, true);
    std::vector<std::string> items;
    if (value == nullptr) return items;
    if (!value->is_array()) {
      Fail(fmt::format("field \"{}\" is not a list", name));
      return items;
    }
    for (const OrderedJson& item : *value) {
      if (!item.is_string()) {
        Fail(fmt::format("field \"{}\" holds something other than a string", name));
        return items;
      }
      items.push_back(item.get<std::string>());
    }
    return items;
  }

  TimePoint Time(const char* name) { return ToTime(name, String(name)).value_or(TimePoint{}); }

  std::optional<TimePoint> OptionalTime(const char* name) {
    const std::optional<std::string> text = OptionalString(name);
    return text ? ToTime(name, *text) : std::nullopt;
  }

  void Fail(std::string problem) {
    if (!problem_) problem_ = std::move(problem);
  }

 private:
  std::optional<TimePoint> ToTime(const char* name, const std::string& text) {
    if (problem_) return std::nullopt;
    const auto time = ParseRfc3339(text);
    if (!time) Fail(fmt::format("field \"{}\" is not an RFC 3339 time: \"{}\"", name, text));
    return time;
  }

  const OrderedJson& object_;
  std::optional<std::string> problem_;
};

}  // namespace

std::string_view SessionStatusName(SessionStatus status) {
  switch (status) {
    case SessionStatus::kActive:
      return "active";
    case SessionStatus::kEnded:
      return "ended";
    case SessionStatus::kFailed:
      return "failed";
  }
  return "active";
}

std::string_view SessionStateName(SessionState state) {
  switch (state) {
    case SessionState::kActive:
      return "active";
    case SessionState::kExpired:
      return "expired";
    case SessionState::kEnded:
      return "ended";
    case SessionState::kFailed:
      return "failed";
    case SessionState::kAbandoned:
      return "abandoned";
  }
  return "active";
}

SessionRecord NewSessionRecord(const AccessRequest& asked, const SessionPlan& plan,
                               const SessionStart& start) {
  SessionRecord record;
  record.id = start.id;
  record.created = start.now;
  record.ttl = plan.ttl;
  record.expires = start.now + plan.ttl;
  record.provider = plan.request.provider;
  record.profile = plan.request.profile_name;
  record.role = start.role;
  if (asked.allow) {
    for (const std::string& item : SplitCommaList(*asked.allow)) {
      const std::string_view trimmed = Trim(item);
      if (!trimmed.empty()) record.requested_actions.emplace_back(trimmed);
    }
  }
  record.actions = plan.request.ActionNames();
  record.resources = plan.request.resources;
  if (plan.policy) record.policy = plan.policy_json;
  if (plan.access_boundary) record.policy = *plan.access_boundary;
  record.command = plan.command;
  record.agent_id = start.agent_id;
  if (start.request) {
    record.request = *start.request;
    record.request->command.clear();
  }
  record.replay_of = start.replay_of;
  if (plan.aws) {
    if (!plan.aws->region.region.empty()) record.region = plan.aws->region.region;
    for (const RoleChoice& role : plan.aws->chain) record.chain.push_back(role.arn);
    for (const PolicyArnChoice& choice : plan.aws->policy_arns) {
      record.policy_arns.push_back(choice.arn);
    }
  }
  if (plan.tagging) record.session_tag = plan.tagging->tag.Text();
  record.allow_unknown = plan.request.unknown_kept;
  for (const RemovedAction& removed : plan.request.denied) record.denied.push_back(removed.action);
  record.owner = start.owner;
  return record;
}

IssuedCredentials DescribeIssued(const AwsCredentials& credentials) {
  return IssuedCredentials{credentials.access_key_id, credentials.expiration, credentials.source,
                           std::nullopt};
}

std::string TokenPrefix(std::string_view token) {
  const size_t length = std::min(kTokenPrefixLength, token.size() / 2);
  return std::string(token.substr(0, length));
}

void MarkCredentialsIssued(SessionRecord& record, const IssuedCredentials& issued) {
  if (!issued.access_key_id.empty()) record.access_key_id = issued.access_key_id;
  if (issued.token_prefix) record.token_prefix = issued.token_prefix;
  if (issued.expiration) record.expires = *issued.expiration;
}

void MarkFailed(SessionRecord& record, std::string reason, TimePoint now) {
  record.status = SessionStatus::kFailed;
  record.failure = std::move(reason);
  record.ended = now;
}

void MarkEnded(SessionRecord& record, std::optional<int> exit_code, std::optional<int> signal,
               TimePoint now) {
  record.status = SessionStatus::kEnded;
  record.exit_code = exit_code;
  record.signal = signal;
  record.ended = now;
}

SessionState StateAt(const SessionRecord& record, TimePoint now, const OwnerRunning& running) {
  switch (record.status) {
    case SessionStatus::kEnded:
      return SessionState::kEnded;
    case SessionStatus::kFailed:
      return SessionState::kFailed;
    case SessionStatus::kActive:
      break;
  }
  if (record.owner && running && !running(*record.owner)) return SessionState::kAbandoned;
  return now < record.expires ? SessionState::kActive : SessionState::kExpired;
}

OrderedJson SessionRecordJson(const SessionRecord& record) {
  OrderedJson json;
  json["id"] = record.id;
  json["status"] = SessionStatusName(record.status);
  // Microseconds: `sessions list` is newest first even within one second.
  json["created"] = FormatRfc3339Micros(record.created);
  json["expires"] = FormatRfc3339(record.expires);
  json["ttl_seconds"] = record.ttl.count();
  json["provider"] = ProviderName(record.provider);
  json["profile"] = OptionalJson(record.profile);
  json["role"] = record.role;
  json["requested_actions"] = record.requested_actions;
  json["actions"] = record.actions;
  json["resources"] = record.resources;
  // The document as an object, so that the file reads like the policy it
  // holds; the parse cannot fail for a document Audex rendered.
  json["policy"] = nullptr;
  if (record.policy) {
    json["policy"] = OrderedJson::parse(*record.policy, nullptr, false);
    if (json["policy"].is_discarded()) json["policy"] = *record.policy;
  }
  json["command"] = record.command;
  json["ended"] = OptionalJson(record.ended);
  json["exit_code"] = OptionalJson(record.exit_code);
  json["signal"] = OptionalJson(record.signal);
  json["failure"] = OptionalJson(record.failure);
  json["access_key_id"] = OptionalJson(record.access_key_id);
  json["agent_id"] = OptionalJson(record.agent_id);
  if (record.token_prefix) json["token_prefix"] = *record.token_prefix;
  // Newer fields are written only when they say something, so that an
  // older reader's files and this one's stay alike.
  if (record.request) json["request"] = SessionRequestJson(*record.request);
  if (record.region) json["region"] = *record.region;
  if (!record.chain.empty()) json["chain"] = record.chain;
  if (!record.policy_arns.empty()) json["policy_arns"] = record.policy_arns;
  if (record.session_tag) json["session_tag"] = *record.session_tag;
  if (record.replay_of) json["replay_of"] = *record.replay_of;
  if (!record.allow_unknown.empty()) json["allow_unknown"] = record.allow_unknown;
  if (!record.denied.empty()) json["denied"] = record.denied;
  if (record.owner) {
    json["owner_pid"] = record.owner->pid;
    json["owner_start_ticks"] = record.owner->start_ticks;
  }
  return json;
}

Result<SessionRecord> ParseSessionRecord(std::string_view text) {
  const OrderedJson json = OrderedJson::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return StateError("not a JSON object");
  }
  FieldReader read(json);
  SessionRecord record;
  record.id = read.String("id");
  const std::string status = read.String("status");
  if (status == "active") {
    record.status = SessionStatus::kActive;
  } else if (status == "ended") {
    record.status = SessionStatus::kEnded;
  } else if (status == "failed") {
    record.status = SessionStatus::kFailed;
  } else if (!read.problem()) {
    read.Fail(fmt::format("field \"status\" is \"{}\", not active, ended or failed", status));
  }
  record.created = read.Time("created");
  record.expires = read.Time("expires");
  record.ttl = std::chrono::seconds(read.Integer("ttl_seconds"));
  const std::string provider = read.String("provider");
  if (const auto parsed = ParseProvider(provider)) {
    record.provider = *parsed;
  } else if (!read.problem()) {
    read.Fail(fmt::format("field \"provider\" is \"{}\", not aws, gcp or azure", provider));
  }
  record.profile = read.OptionalString("profile");
  record.role = read.String("role");
  record.requested_actions = read.Strings("requested_actions");
  record.actions = read.Strings("actions");
  record.resources = read.Strings("resources");
  if (const OrderedJson* policy = read.Field("policy", false)) {
    record.policy = policy->is_string() ? policy->get<std::string>() : policy->dump();
  }
  record.command = read.Strings("command");
  record.ended = read.OptionalTime("ended");
  record.exit_code = read.OptionalInt("exit_code");
  record.signal = read.OptionalInt("signal");
  record.failure = read.OptionalString("failure");
  record.access_key_id = read.OptionalString("access_key_id");
  record.agent_id = read.OptionalString("agent_id");
  record.token_prefix = read.OptionalString("token_prefix");
  if (const OrderedJson* request = read.Field("request", false)) {
    auto parsed = ParseSessionRequestJson(nlohmann::json(*request));
    if (!parsed) {
      read.Fail(parsed.error().message);
    } else {
      record.request = std::move(*parsed);
    }
  }
  for (const auto& [name, list] :
       {std::pair<const char*, std::vector<std::string>*>{"chain", &record.chain},
        {"policy_arns", &record.policy_arns},
        {"allow_unknown", &record.allow_unknown},
        {"denied", &record.denied}}) {
    if (read.Field(name, false) != nullptr) *list = read.Strings(name);
  }
  record.region = read.OptionalString("region");
  record.session_tag = read.OptionalString("session_tag");
  record.replay_of = read.OptionalString("replay_of");
  const std::optional<int> owner_pid = read.OptionalInt("owner_pid");
  const std::optional<uint64_t> owner_start = read.OptionalUnsigned("owner_start_ticks");
  if (owner_pid.has_value() != owner_start.has_value() && !read.problem()) {
    read.Fail("fields \"owner_pid\" and \"owner_start_ticks\" come together");
  } else if (owner_pid && *owner_pid <= 0) {
    read.Fail("field \"owner_pid\" is not a process id");
  } else if (owner_pid) {
    record.owner = SessionOwner{*owner_pid, *owner_start};
  }
  if (read.problem()) return StateError(*read.problem());
  return record;
}

nlohmann::ordered_json SessionStateJson(const SessionRecord& record, TimePoint now,
                                        const OwnerRunning& running) {
  const nlohmann::ordered_json stored = SessionRecordJson(record);
  nlohmann::ordered_json json;
  for (auto it = stored.begin(); it != stored.end(); ++it) {
    json[it.key()] = it.value();
    if (it.key() == "status") json["state"] = SessionStateName(StateAt(record, now, running));
  }
  return json;
}

}  // namespace audex
