// JSON-RPC 2.0 (jsonrpc.org/specification) as MCP speaks it over stdio: one
// message per line. ReadMessage turns a line into the calls it holds (one,
// or a batch) and the error replies for the parts that are not calls; a
// Dispatcher routes each call to its method's handler and writes the reply
// line. Pure: effects happen only inside the handlers a caller registers.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace audex::jsonrpc {

// The codes JSON-RPC 2.0 reserves (section 5.1).
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  // Implementation-defined server error (section 5.1 leaves -32000 to
  // -32099 to the server): a batch's reply reached kMaxBatchReplyBytes
  // before this call ran, so it did not run; send it again.
  kReplyLimit = -32000,
};

// Deeper JSON is refused before parsing (kParseError): no JSON-RPC message
// MCP defines comes close, and the bound keeps hostile input from driving
// recursion when a value is written back.
inline constexpr int kMaxNesting = 64;

// A batch is answered entry by entry, and each entry of even a tiny line
// ("[1,1,...]") gets a reply of its own: without bounds, a 2.3 MB batch
// drew a 173 MB reply. A batch of more entries is refused as a whole with
// one kInvalidRequest reply; once the replies of a batch reach
// kMaxBatchReplyBytes, its remaining calls are not run and get a
// kReplyLimit error each, so a batch reply stays under the byte bound plus
// one reply plus kMaxBatchEntries short errors.
inline constexpr size_t kMaxBatchEntries = 100;
inline constexpr size_t kMaxBatchReplyBytes = 4 * 1024 * 1024;

struct RpcError {
  int code = kInternalError;
  std::string message;
  nlohmann::json data;  // null when there is nothing to add
};

// A request (has an id, wants a reply) or a notification (no id, no reply).
struct Call {
  nlohmann::json id;  // a string or an integer; null for a notification
  bool notification = false;
  std::string method;
  nlohmann::json params;  // an object or an array; null when absent
};

// What one line held.
struct Message {
  bool batch = false;                  // the line was a JSON array
  std::vector<Call> calls;             // in the order they appeared
  std::vector<nlohmann::json> errors;  // replies for entries that are not valid calls
  size_t responses = 0;                // replies from the peer (ignored: Audex sends no requests)
};

// Parses one line (without its '\n'). Never fails: a line that is not JSON
// gives one kParseError reply, an empty batch or an entry that is not a
// valid call gives a kInvalidRequest reply (with the entry's id when it
// has a usable one). With `batches_allowed` false a JSON array is refused
// as a whole with one kInvalidRequest reply, as is a batch of more than
// kMaxBatchEntries entries.
Message ReadMessage(std::string_view line, bool batches_allowed);

nlohmann::json ResultReply(const nlohmann::json& id, nlohmann::json result);
nlohmann::json ErrorReply(const nlohmann::json& id, const RpcError& error);

// The text of a reply on one line: no raw newlines (JSON escapes them in
// strings), bytes that are not UTF-8 replaced by U+FFFD so that any output
// a tool returns can be sent.
std::string WriteLine(const nlohmann::json& reply);

using Handler = std::function<tl::expected<nlohmann::json, RpcError>(const Call&)>;

class Dispatcher {
 public:
  // Registers `method`; a second registration replaces the first.
  void Add(std::string method, Handler handler);

  // Reads `line`, runs the handler of each call in order and returns the
  // reply line (a batch gives an array), or nullopt when nothing is owed:
  // notifications, responses, and notifications for unknown methods get
  // no reply. A handler that throws becomes a kInternalError reply. A batch
  // stops running calls once its replies reach kMaxBatchReplyBytes.
  std::optional<std::string> Handle(std::string_view line, bool batches_allowed) const;

 private:
  std::optional<nlohmann::json> Run(const Call& call) const;

  std::map<std::string, Handler, std::less<>> handlers_;
};

}  // namespace audex::jsonrpc
