// Audit events and the canonical spelling of audit lines (audit_event.h).
#include "core/audit/audit_event.h"

#include <fmt/format.h>

#include "core/base/rfc3339.h"
#include "core/base/text.h"

namespace audex {
namespace {

using Json = nlohmann::json;

// Deep enough for any event Audex writes (three levels) with room to grow;
// the bound keeps a hostile line from driving recursion in dump().
constexpr int kMaxNesting = 32;

// JSON text with every non-ASCII character escaped as \uXXXX, so that the
// canonical bytes do not depend on how a tool writes UTF-8; bytes that are
// not UTF-8 (a command argument may hold any) become U+FFFD rather than
// making the line unwritable.
std::string Canonical(const Json& value) {
  std::string text = value.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
  // Two keys that differ only in bytes that are not UTF-8 both become
  // "\ufffd..." and would be written twice; reading the text back keeps
  // one of them, so the text written must be that reading too.
  if (text.find("\\ufffd") != std::string::npos) {
    text = Json::parse(text).dump(-1, ' ', /*ensure_ascii=*/true);
  }
  return text;
}

std::string Quoted(std::string_view text) { return Canonical(Json(std::string(text))); }

bool IsMacHex(const std::string& text) {
  return text.size() == kMacHexSize &&
         text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Json OptionalJson(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json OptionalJson(const std::optional<int>& value) { return value ? Json(*value) : Json(nullptr); }

AuditEvent EventFor(const SessionRecord& record, std::string_view name) {
  AuditEvent event;
  event.session_id = record.id;
  event.name = std::string(name);
  return event;
}

}  // namespace

std::string CanonicalContent(uint64_t seq, const AuditEvent& event, std::string_view prev) {
  static const Json kNoFields = Json::object();
  const Json& fields = event.fields.is_object() ? event.fields : kNoFields;
  return fmt::format(R"({{"seq":{},"ts":{},"session_id":{},"event":{},"fields":{},"prev":{})", seq,
                     Quoted(event.ts), Quoted(event.session_id), Quoted(event.name),
                     Canonical(fields), Quoted(prev));
}

std::string FormatAuditLine(const AuditLine& line) {
  return fmt::format(R"({},"mac":{}}})", CanonicalContent(line.seq, line.event, line.prev),
                     Quoted(line.mac));
}

Result<AuditLine> ParseAuditLine(std::string_view text) {
  if (text.empty()) return StateError("the line is empty");
  if (JsonNestingDepth(text) > kMaxNesting) {
    return StateError(fmt::format("nested more than {} levels deep", kMaxNesting));
  }
  Json json;
  try {
    json = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return StateError(fmt::format("not valid JSON at byte {}", e.byte));
  } catch (const Json::exception&) {
    return StateError("not valid JSON");
  }
  if (!json.is_object()) return StateError("not a JSON object");
  const auto member = [&json](const char* name) -> const Json* {
    const auto it = json.find(name);
    return it == json.end() ? nullptr : &*it;
  };
  const Json* seq = member("seq");
  const Json* ts = member("ts");
  const Json* session_id = member("session_id");
  const Json* event = member("event");
  const Json* fields = member("fields");
  const Json* prev = member("prev");
  const Json* mac = member("mac");
  if (json.size() != 7 || !seq || !ts || !session_id || !event || !fields || !prev || !mac) {
    return StateError("not exactly the members seq, ts, session_id, event, fields, prev and mac");
  }
  if (!seq->is_number_unsigned() || seq->get<uint64_t>() == 0) {
    return StateError("seq is not a positive integer");
  }
  if (!ts->is_string() || !session_id->is_string() || !event->is_string()) {
    return StateError("ts, session_id or event is not a string");
  }
  if (!fields->is_object()) return StateError("fields is not an object");
  if (!prev->is_string() || !IsMacHex(prev->get<std::string>()) || !mac->is_string() ||
      !IsMacHex(mac->get<std::string>())) {
    return StateError("prev or mac is not 64 lower-case hex digits");
  }
  AuditLine line;
  line.seq = seq->get<uint64_t>();
  line.event.ts = ts->get<std::string>();
  line.event.session_id = session_id->get<std::string>();
  line.event.name = event->get<std::string>();
  line.event.fields = *fields;
  line.prev = prev->get<std::string>();
  line.mac = mac->get<std::string>();
  // Equal values, different bytes (white space, member order, escapes,
  // number spellings) would not change what the mac covers, so they are
  // rejected here: the line on disk is the canonical text, byte for byte.
  const std::string canonical = FormatAuditLine(line);
  if (canonical != text) {
    size_t at = 0;
    while (at < canonical.size() && at < text.size() && canonical[at] == text[at]) ++at;
    return StateError(fmt::format("not in canonical form from byte {}", at + 1));
  }
  return line;
}

AuditEvent SessionCreatedEvent(const SessionRecord& record) {
  AuditEvent event = EventFor(record, kSessionCreated);
  Json& fields = event.fields;
  fields["provider"] = ProviderName(record.provider);
  fields["profile"] = OptionalJson(record.profile);
  fields["role"] = record.role;
  fields["ttl_seconds"] = record.ttl.count();
  fields["expires"] = FormatRfc3339(record.expires);
  fields["requested_actions"] = record.requested_actions;
  fields["actions"] = record.actions;
  fields["resources"] = record.resources;
  // The exact text sent to STS, as a string: re-encoding it as an object
  // would sort its keys and lose the bytes that were sent.
  fields["policy"] = OptionalJson(record.policy);
  fields["command"] = record.command;
  fields["agent_id"] = OptionalJson(record.agent_id);
  // Written only when they say something: a plain session's line is the
  // same as before these existed (docs/audit-log-format.md).
  if (!record.chain.empty()) fields["chain"] = record.chain;
  if (!record.policy_arns.empty()) fields["policy_arns"] = record.policy_arns;
  if (record.session_tag) fields["session_tag"] = *record.session_tag;
  if (record.replay_of) fields["replay_of"] = *record.replay_of;
  if (!record.allow_unknown.empty()) fields["allow_unknown"] = record.allow_unknown;
  if (!record.denied.empty()) fields["denied"] = record.denied;
  return event;
}

AuditEvent CredentialsIssuedEvent(const SessionRecord& record, const IssuedCredentials& issued) {
  AuditEvent event = EventFor(record, kCredentialsIssued);
  if (!issued.access_key_id.empty()) event.fields["access_key_id"] = issued.access_key_id;
  if (issued.token_prefix) event.fields["token_prefix"] = *issued.token_prefix;
  event.fields["expires"] = issued.expiration ? Json(FormatRfc3339(*issued.expiration)) : Json();
  event.fields["source"] = issued.source;
  if (issued.session_tags_refused) event.fields["session_tags_refused"] = true;
  return event;
}

AuditEvent CredentialsFailedEvent(const SessionRecord& record) {
  AuditEvent event = EventFor(record, kCredentialsFailed);
  event.fields["reason"] = record.failure.value_or("");
  return event;
}

AuditEvent TtlExpiredEvent(const SessionRecord& record) {
  AuditEvent event = EventFor(record, kTtlExpired);
  event.fields["ttl_seconds"] = record.ttl.count();
  event.fields["action"] = "SIGTERM sent to the command";
  return event;
}

AuditEvent SessionEndedEvent(const SessionRecord& record) {
  AuditEvent event = EventFor(record, kSessionEnded);
  event.fields["exit_code"] = OptionalJson(record.exit_code);
  event.fields["signal"] = OptionalJson(record.signal);
  return event;
}

namespace {

AuditEvent IssuedEvent(const SessionRecord& record, std::string_view name,
                       const IssuedCredentials& issued) {
  AuditEvent event = EventFor(record, name);
  event.fields["access_key_id"] = issued.access_key_id;
  event.fields["expires"] = issued.expiration ? Json(FormatRfc3339(*issued.expiration)) : Json();
  event.fields["source"] = issued.source;
  return event;
}

AuditEvent McpEvent(const McpCall& call, std::string_view name) {
  AuditEvent event;
  event.session_id = call.id;
  event.name = std::string(name);
  event.fields["agent_id"] = OptionalJson(call.agent_id);
  event.fields["tool"] = call.tool;
  event.fields["command"] = call.command;
  return event;
}

}  // namespace

AuditEvent CredentialsRefreshedEvent(const SessionRecord& record, const IssuedCredentials& issued,
                                     int refresh) {
  AuditEvent event = IssuedEvent(record, kCredentialsRefreshed, issued);
  event.fields["refresh"] = refresh;
  return event;
}

AuditEvent CredentialsCacheHitEvent(const SessionRecord& record, const IssuedCredentials& issued,
                                    const std::string& origin_session) {
  AuditEvent event = IssuedEvent(record, kCredentialsCacheHit, issued);
  event.fields["origin_session"] = origin_session;
  return event;
}

AuditEvent CredentialsReusedEvent(const std::string& session_id, const IssuedCredentials& issued,
                                  const std::optional<std::string>& agent_id) {
  AuditEvent event;
  event.session_id = session_id;
  event.name = std::string(kCredentialsReused);
  event.fields["access_key_id"] = issued.access_key_id;
  event.fields["expires"] = issued.expiration ? Json(FormatRfc3339(*issued.expiration)) : Json();
  event.fields["source"] = issued.source;
  event.fields["agent_id"] = OptionalJson(agent_id);
  return event;
}

AuditEvent CredentialsScopedEvent(const SessionRecord& record, const IssuedCredentials& issued,
                                  const std::string& base_access_key_id) {
  AuditEvent event = IssuedEvent(record, kCredentialsScoped, issued);
  event.fields["base_access_key_id"] = base_access_key_id;
  return event;
}

AuditEvent ServeStartedEvent(const SessionRecord& record, const std::string& url,
                             int64_t max_duration_seconds) {
  AuditEvent event = EventFor(record, kServeStarted);
  event.fields["url"] = url;
  event.fields["max_duration_seconds"] = max_duration_seconds;
  return event;
}

AuditEvent ServeRefusedEvent(const SessionRecord& record, const std::string& reason) {
  AuditEvent event = EventFor(record, kServeRefused);
  event.fields["reason"] = reason;
  return event;
}

AuditEvent ResourcesDeletedEvent(const std::string& session_id, const std::string& tag,
                                 const std::vector<std::string>& deleted,
                                 const std::vector<std::string>& failed,
                                 const std::vector<std::string>& skipped) {
  AuditEvent event;
  event.session_id = session_id;
  event.name = std::string(kResourcesDeleted);
  event.fields["tag"] = tag;
  event.fields["deleted"] = deleted;
  event.fields["failed"] = failed;
  event.fields["skipped"] = skipped;
  return event;
}

AuditEvent BrokerStartedEvent(const SessionRecord& record, const std::string& url,
                              const std::string& placeholder_access_key_id) {
  AuditEvent event = EventFor(record, kBrokerStarted);
  event.fields["url"] = url;
  event.fields["placeholder_access_key_id"] = placeholder_access_key_id;
  return event;
}

AuditEvent BrokerCallEvent(const SessionRecord& record, const BrokerCall& call) {
  AuditEvent event = EventFor(record, kBrokerCall);
  event.fields["service"] = call.service;
  event.fields["operation"] = call.operation;
  event.fields["region"] = call.region;
  event.fields["status"] = call.status ? nlohmann::json(*call.status) : nlohmann::json(nullptr);
  event.fields["error_code"] = call.error_code;
  event.fields["refused"] = call.refused;
  event.fields["bucket"] = call.bucket;
  return event;
}

AuditEvent McpCallRefusedEvent(const McpCall& call, const std::string& rule,
                               const std::string& reason) {
  AuditEvent event = McpEvent(call, kMcpCallRefused);
  event.fields["rule"] = rule;
  event.fields["reason"] = reason;
  return event;
}

AuditEvent McpToolCalledEvent(const McpCall& call, const std::string& outcome,
                              const std::string& reason) {
  AuditEvent event = McpEvent(call, kMcpToolCalled);
  event.fields["outcome"] = outcome;
  event.fields["reason"] = reason;
  return event;
}

}  // namespace audex
