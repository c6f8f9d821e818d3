// JSON-RPC 2.0 messages and dispatch (jsonrpc.h).
#include "core/wire/jsonrpc.h"

#include <fmt/format.h>

#include "core/base/text.h"

namespace audex::jsonrpc {
namespace {

using Json = nlohmann::json;

RpcError Invalid(std::string message) { return RpcError{kInvalidRequest, std::move(message), {}}; }

// JSON-RPC allows a string, a number or null as id; MCP narrows it to a
// string or an integer (and never null), which is what is accepted here.
bool IsUsableId(const Json& id) { return id.is_string() || id.is_number_integer(); }

// One entry of a line: a call, a response from the peer, or an error reply.
void ReadEntry(const Json& entry, Message& message) {
  if (!entry.is_object()) {
    message.errors.push_back(
        ErrorReply(nullptr, Invalid("a JSON-RPC message must be a JSON object")));
    return;
  }
  const auto id_it = entry.find("id");
  const bool has_id = id_it != entry.end();
  const Json id = has_id && IsUsableId(*id_it) ? *id_it : Json(nullptr);
  const auto version = entry.find("jsonrpc");
  if (version == entry.end() || *version != "2.0") {
    message.errors.push_back(ErrorReply(id, Invalid("\"jsonrpc\" must be \"2.0\"")));
    return;
  }
  const auto method = entry.find("method");
  if (method == entry.end()) {
    if (has_id && (entry.contains("result") || entry.contains("error"))) {
      ++message.responses;
      return;
    }
    message.errors.push_back(ErrorReply(id, Invalid("\"method\" is missing")));
    return;
  }
  if (!method->is_string()) {
    message.errors.push_back(ErrorReply(id, Invalid("\"method\" must be a string")));
    return;
  }
  if (has_id && !IsUsableId(*id_it)) {
    message.errors.push_back(ErrorReply(nullptr, Invalid("\"id\" must be a string or an integer")));
    return;
  }
  Call call;
  call.method = method->get<std::string>();
  call.notification = !has_id;
  call.id = id;
  if (const auto params = entry.find("params"); params != entry.end()) {
    if (!params->is_object() && !params->is_array()) {
      if (call.notification) return;  // a notification gets no reply, not even an error
      message.errors.push_back(ErrorReply(id, Invalid("\"params\" must be an object or an array")));
      return;
    }
    call.params = *params;
  }
  message.calls.push_back(std::move(call));
}

}  // namespace

Message ReadMessage(std::string_view line, bool batches_allowed) {
  Message message;
  if (JsonNestingDepth(line) > kMaxNesting) {
    message.errors.push_back(ErrorReply(
        nullptr,
        RpcError{kParseError, fmt::format("nested more than {} levels deep", kMaxNesting), {}}));
    return message;
  }
  Json parsed = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    message.errors.push_back(ErrorReply(nullptr, RpcError{kParseError, "not valid JSON", {}}));
    return message;
  }
  if (!parsed.is_array()) {
    ReadEntry(parsed, message);
    return message;
  }
  if (!batches_allowed) {
    message.errors.push_back(ErrorReply(
        nullptr, Invalid("JSON-RPC batches are not part of the negotiated MCP protocol version; "
                         "send one message per line")));
    return message;
  }
  if (parsed.empty()) {
    message.errors.push_back(ErrorReply(nullptr, Invalid("an empty batch")));
    return message;
  }
  if (parsed.size() > kMaxBatchEntries) {
    message.errors.push_back(ErrorReply(
        nullptr, Invalid(fmt::format("a batch of {} entries; at most {} are answered in one batch, "
                                     "so send the rest in further lines",
                                     parsed.size(), kMaxBatchEntries))));
    return message;
  }
  message.batch = true;
  for (const Json& entry : parsed) ReadEntry(entry, message);
  return message;
}

Json ResultReply(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json ErrorReply(const Json& id, const RpcError& error) {
  Json body{{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) body["data"] = error.data;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(body)}};
}

std::string WriteLine(const Json& reply) {
  return reply.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

void Dispatcher::Add(std::string method, Handler handler) {
  handlers_[std::move(method)] = std::move(handler);
}

std::optional<Json> Dispatcher::Run(const Call& call) const {
  const auto found = handlers_.find(call.method);
  if (found == handlers_.end()) {
    if (call.notification) return std::nullopt;
    return ErrorReply(call.id,
                      RpcError{kMethodNotFound,
                               fmt::format("method \"{}\" not found", EscapeControl(call.method)),
                               {}});
  }
  tl::expected<Json, RpcError> outcome = Json(nullptr);
  try {
    outcome = found->second(call);
  } catch (const std::exception& e) {
    outcome = tl::unexpected(RpcError{kInternalError, e.what(), {}});
  }
  if (call.notification) return std::nullopt;
  if (!outcome) return ErrorReply(call.id, outcome.error());
  return ResultReply(call.id, std::move(*outcome));
}

std::optional<std::string> Dispatcher::Handle(std::string_view line, bool batches_allowed) const {
  Message message = ReadMessage(line, batches_allowed);
  std::vector<Json> replies = std::move(message.errors);
  if (!message.batch) {
    for (const Call& call : message.calls) {
      if (auto reply = Run(call)) replies.push_back(std::move(*reply));
    }
    if (replies.empty()) return std::nullopt;
    return WriteLine(replies.front());
  }
  size_t reply_bytes = 0;
  for (const Json& reply : replies) reply_bytes += WriteLine(reply).size();
  for (const Call& call : message.calls) {
    if (reply_bytes >= kMaxBatchReplyBytes) {
      if (!call.notification) {
        replies.push_back(ErrorReply(
            call.id, RpcError{kReplyLimit,
                              fmt::format("not run: this batch's reply reached {} bytes before "
                                          "this call; send it again in a line of its own",
                                          kMaxBatchReplyBytes),
                              {}}));
      }
      continue;
    }
    if (auto reply = Run(call)) {
      reply_bytes += WriteLine(*reply).size() + 1;
      replies.push_back(std::move(*reply));
    }
  }
  if (replies.empty()) return std::nullopt;
  return WriteLine(Json(std::move(replies)));
}

}  // namespace audex::jsonrpc
