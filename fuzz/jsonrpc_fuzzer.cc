// libFuzzer target: arbitrary bytes as one line of MCP's stdio transport,
// through the JSON-RPC reader and dispatcher (core/jsonrpc.h), with and
// without batches, and through the audex_run argument parser.
//
// Invariants: every reply is one line of valid JSON; a reply is owed exactly
// when the line held something other than notifications and responses; a
// non-batch line gets one reply object; every reply is a JSON-RPC 2.0
// response whose id is null, a string or an integer; a request's id comes
// back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/plan/mcp_guard.h"
#include "core/wire/jsonrpc.h"

namespace {

using Json = nlohmann::json;
namespace rpc = audex::jsonrpc;

void Require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", invariant);
  __builtin_trap();
}

void RequireResponse(const Json& reply) {
  Require(reply.is_object() && reply.value("jsonrpc", "") == "2.0", "a reply is JSON-RPC 2.0");
  Require(reply.contains("id"), "a reply has an id");
  const Json& id = reply["id"];
  Require(id.is_null() || id.is_string() || id.is_number_integer(), "a reply id is usable");
  Require(reply.contains("result") != reply.contains("error"), "result or error, not both");
  if (reply.contains("error")) {
    Require(reply["error"]["code"].is_number_integer(), "an error has an integer code");
    Require(reply["error"]["message"].is_string(), "an error has a message");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  rpc::Dispatcher dispatcher;
  // echo hands the params back, so ids and params round-trip through a reply.
  dispatcher.Add("echo", [](const rpc::Call& call) -> tl::expected<Json, rpc::RpcError> {
    return call.params;
  });
  dispatcher.Add("fail", [](const rpc::Call&) -> tl::expected<Json, rpc::RpcError> {
    return tl::unexpected(rpc::RpcError{rpc::kInvalidParams, "no", nullptr});
  });
  dispatcher.Add("audex_run", [](const rpc::Call& call) -> tl::expected<Json, rpc::RpcError> {
    auto parsed = audex::ParseMcpRunArguments(call.params);
    if (!parsed) return tl::unexpected(rpc::RpcError{rpc::kInvalidParams, parsed.error(), nullptr});
    Require(!parsed->command.empty() && parsed->allow.has_value() != parsed->profile.has_value(),
            "parsed audex_run arguments have a command and one of allow/profile");
    return Json(parsed->command);
  });

  for (const bool batches : {false, true}) {
    const rpc::Message message = rpc::ReadMessage(line, batches);
    size_t requests = 0;
    for (const rpc::Call& call : message.calls) {
      if (!call.notification) {
        ++requests;
        Require(call.id.is_string() || call.id.is_number_integer(), "a request id is usable");
      }
    }
    const bool owed = requests > 0 || !message.errors.empty();
    const auto reply = dispatcher.Handle(line, batches);
    Require(reply.has_value() == owed, "a reply exactly when one is owed");
    if (!reply) continue;
    Require(reply->find('\n') == std::string::npos, "a reply is one line");
    const Json parsed = Json::parse(*reply, nullptr, false);
    Require(!parsed.is_discarded(), "a reply is valid JSON");
    if (message.batch) {
      Require(parsed.is_array() && parsed.size() == requests + message.errors.size(),
              "a batch gets one reply per request or invalid entry");
      for (const Json& item : parsed) RequireResponse(item);
    } else {
      Require(parsed.is_object(), "a single message gets one reply object");
      RequireResponse(parsed);
      if (requests == 1) Require(parsed["id"] == message.calls[0].id, "the id comes back");
    }
  }
  return 0;
}
