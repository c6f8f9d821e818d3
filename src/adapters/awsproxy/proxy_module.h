// The boundary between tryaudex and libaudex_awsproxy.so, the module that
// holds the forwarding endpoint's HTTP transport: cpp-httplib's server on
// 127.0.0.1 for the child's side and libcurl's multi interface for the
// upstream side, bridged in one thread per request so that bodies stream
// both ways (aws_forwarding_endpoint.cc says why it is a module). The module
// decides nothing: for every request it asks the planner what to do. Both
// sides are built together, so C++ types cross; the entry points have C
// linkage only so that dlsym finds them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/wire/http_message.h"

namespace audex {

// What came back from upstream (or why nothing did), for recording.
struct ProxyOutcome {
  std::optional<int> status;  // the status the child got; nullopt if nothing came back
  HttpHeaders headers;        // the upstream reply's headers (names lower-cased)
  std::string body_start;     // the first bytes of an error reply (status >= 400), for its code
  uint64_t bytes_down = 0;    // response body bytes passed to the child
  std::string failure;        // why the exchange broke off (one line, no secrets); else empty
};

// Rewrites a streamed request body on its way upstream (aws-chunked
// re-signing): takes the next received bytes, appends what to send.
using BodyTransform = std::function<Result<bool>(std::string_view in, std::string* out)>;

// What to do with one request.
struct ProxyPlan {
  // Read the whole body (up to kMaxBufferedBody) and plan again with it.
  bool need_body = false;
  // Answer the child with this instead of forwarding.
  std::optional<HttpResponse> reply;
  // Or forward: `upstream` is complete (absolute URL, signed headers, the
  // body when it was read whole); a streamed body is sent as it arrives,
  // through `transform` when set, with `upload_length` bytes when known.
  HttpRequest upstream;
  bool stream_body = false;
  std::optional<uint64_t> upload_length;
  BodyTransform transform;
  // Called once when the exchange ends, forwarded or replied.
  std::function<void(const ProxyOutcome&)> done;
};

// What the planner sees of a request: its head and, on the second call,
// its whole body.
struct ProxyRequest {
  std::string method;
  std::string target;
  HttpHeaders headers;
  const std::string* body = nullptr;  // null on the first call
};

using ProxyPlanner = std::function<ProxyPlan(const ProxyRequest& request)>;

struct ProxyOptions {
  std::optional<std::string> ca_bundle;  // PEM bundle for upstream TLS (AWS_CA_BUNDLE)
  // Concurrent connections: httplib gives each kept-alive connection a
  // thread until it closes, and SDKs keep one pool per client (Terraform
  // holds dozens); idle threads cost only their stacks' address space.
  int threads = 96;
};

// Bodies read whole for routing (JSON and Query APIs); larger ones get 413.
inline constexpr size_t kMaxBufferedBody = size_t{64} << 20;

}  // namespace audex

extern "C" {
// Binds 127.0.0.1 on a port the kernel picks and serves on threads of its
// own; null when no port can be bound or libcurl cannot start. `planner`
// must outlive the handle and may be called from several threads at once.
void* AudexProxyStart(const audex::ProxyPlanner* planner, const audex::ProxyOptions* options,
                      int* port);
// Stops serving, joins the threads and frees the handle.
void AudexProxyStop(void* handle);
}
