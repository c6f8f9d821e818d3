// libaudex_awsproxy.so: the forwarding endpoint's transport. cpp-httplib
// serves the child on 127.0.0.1; libcurl's multi interface talks to the
// upstream. Streaming approach: each request is carried on the one httplib
// worker thread that read it, and that thread drives curl itself, so no
// body is ever held whole and no second thread or queue sits between the
// two sides:
//   - upload: httplib's ContentReader pushes the received bytes to us; we
//     hand them to curl's read callback and run curl_multi_perform until
//     curl has taken them (the read callback pauses curl when it has none);
//   - download: once the upstream's headers are in, the handler returns a
//     content provider; each time httplib asks it for data it runs curl until
//     curl has read something, and hands what was read to httplib's DataSink
//     in one write. curl's write callback only gathers: curl cuts what one
//     recv brought into 16 KiB calls, and a sink write per call costs a
//     send and two polls per 16 KiB. Past kGathered bytes the callback
//     pauses curl, so no more than that is ever held.
// Upstream connections are kept alive in one curl multi handle per worker
// thread. The module decides nothing: the planner (tryaudex's side) does.
#include <curl/curl.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "adapters/awsproxy/proxy_module.h"
#include "adapters/credserver/loopback_server.h"

namespace {

using audex::HttpHeaders;
using audex::ProxyOutcome;
using audex::ProxyPlan;
using audex::ProxyRequest;

constexpr size_t kErrorBodyKept = 4096;
// Reply bytes held between curl and the child's connection at most.
constexpr size_t kGathered = 512 * 1024;
// Request body bytes gathered before curl is run to send them.
constexpr size_t kUploadBatch = 256 * 1024;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// One curl multi handle (and its connection cache) and one easy handle per
// worker thread: requests on a thread reuse its upstream connections.
struct ThreadCurl {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  ThreadCurl() {
    multi = curl_multi_init();
    easy = curl_easy_init();
  }
  ~ThreadCurl() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
  }
};

ThreadCurl& ThisThreadCurl() {
  thread_local ThreadCurl curl;
  return curl;
}

// One forwarded request, from the handler to the last byte of the reply.
struct Exchange {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string origin;
  char error_buffer[CURL_ERROR_SIZE] = {};

  // Upload: bytes received and not yet taken by curl.
  std::string pending;
  size_t pending_offset = 0;
  bool upload_done = false;
  bool read_paused = false;

  // Reply.
  int status = 0;
  bool headers_done = false;
  HttpHeaders headers;
  std::string gathered;  // read from the upstream, not yet given to the child
  bool write_paused = false;
  bool sink_failed = false;
  size_t written_now = 0;
  uint64_t bytes_down = 0;
  std::string body_start;

  bool transfer_done = false;
  CURLcode result = CURLE_OK;
  bool attached = false;
  bool reported = false;
  std::function<void(const ProxyOutcome&)> done;

  ~Exchange() {
    if (attached) curl_multi_remove_handle(multi, easy);
    if (header_list != nullptr) curl_slist_free_all(header_list);
  }

  void Report(std::string failure) {
    if (reported) return;
    reported = true;
    ProxyOutcome outcome;
    if (status > 0) outcome.status = status;
    outcome.headers = headers;
    outcome.body_start = body_start;
    outcome.bytes_down = bytes_down;
    outcome.failure = std::move(failure);
    if (done) done(outcome);
  }

  std::string Failure() const {
    if (result == CURLE_OK) return sink_failed ? "the command closed the connection" : "";
    return origin + ": " + (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(result));
  }

  // Runs curl until `ready()` or the transfer ends. Bounded by curl's own
  // timeouts (connect, low speed).
  template <typename Ready>
  void Pump(Ready ready) {
    while (!ready() && !transfer_done) {
      int running = 0;
      if (curl_multi_perform(multi, &running) != CURLM_OK) {
        transfer_done = true;
        result = CURLE_FAILED_INIT;
        break;
      }
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
          transfer_done = true;
          result = message->data.result;
        }
      }
      if (ready() || transfer_done) break;
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
  }
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t available = exchange->pending.size() - exchange->pending_offset;
  if (available > 0) {
    const size_t n = std::min(available, size * count);
    std::copy_n(exchange->pending.data() + exchange->pending_offset, n, buffer);
    exchange->pending_offset += n;
    if (exchange->pending_offset == exchange->pending.size()) {
      exchange->pending.clear();
      exchange->pending_offset = 0;
    }
    return n;
  }
  if (exchange->upload_done) return 0;
  exchange->read_paused = true;
  return CURL_READFUNC_PAUSE;
}

size_t ReadHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line: after "100 Continue" only the final reply counts.
    exchange->headers.clear();
    const size_t space = line.find(' ');
    exchange->status = space == std::string_view::npos ? 0 : std::atoi(line.data() + space + 1);
    return size * count;
  }
  if (line == "\r\n" || line == "\n") {
    if (exchange->status >= 200) exchange->headers_done = true;
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    exchange->headers.emplace_back(Lower(std::string(line.substr(0, colon))), std::string(value));
  }
  return size * count;
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t n = size * count;
  if (exchange->gathered.size() >= kGathered) {
    // The child has not taken what is held yet: curl keeps these bytes and
    // stops reading until the pump lets it go on.
    exchange->write_paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  if (exchange->status >= 400 && exchange->body_start.size() < kErrorBodyKept) {
    exchange->body_start.append(data, std::min(n, kErrorBodyKept - exchange->body_start.size()));
  }
  exchange->gathered.append(data, n);
  return n;
}

struct Endpoint : audex::LoopbackServer {
  const audex::ProxyPlanner* planner = nullptr;
  audex::ProxyOptions options;
};

void WriteReply(const audex::HttpResponse& reply, httplib::Response& res) {
  res.status = reply.status;
  std::string type = "text/plain";
  for (const auto& [name, value] : reply.headers) {
    if (Lower(name) == "content-type") {
      type = value;
    } else {
      res.set_header(name.c_str(), value);
    }
  }
  res.set_content(reply.body, type.c_str());
}

// Sets up curl for `plan` on this thread's handles.
std::unique_ptr<Exchange> StartExchange(const ProxyPlan& plan, const audex::ProxyOptions& options) {
  ThreadCurl& curl = ThisThreadCurl();
  if (curl.multi == nullptr || curl.easy == nullptr) return nullptr;
  auto exchange = std::make_unique<Exchange>();
  exchange->multi = curl.multi;
  exchange->easy = curl.easy;
  exchange->done = plan.done;
  CURL* easy = curl.easy;
  curl_easy_reset(easy);
  const std::string& url = plan.upstream.url;
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  exchange->origin = url.substr(0, path);

  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, exchange->error_buffer);
  // Only http and https, never redirected: a redirect could carry the
  // signed request and its session token to another host.
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (options.ca_bundle) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_bundle->c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  // No total timeout (a large download may take long); a stalled one ends.
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, 120L);
  curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, exchange.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, exchange.get());

  const std::string& method = plan.upstream.method;
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (plan.stream_body) {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(easy, CURLOPT_READDATA, exchange.get());
    if (plan.upload_length) {
      curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE,
                       static_cast<curl_off_t>(*plan.upload_length));
    }
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method != "GET" || !plan.upstream.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, plan.upstream.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(plan.upstream.body.size()));
    if (method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  for (const auto& [name, value] : plan.upstream.headers) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    exchange->header_list = curl_slist_append(exchange->header_list, line.c_str());
  }
  // No "100 Continue" round trip, no Accept header the child did not send;
  // a streamed body of unknown length goes chunked.
  exchange->header_list = curl_slist_append(exchange->header_list, "Expect:");
  exchange->header_list = curl_slist_append(exchange->header_list, "Accept:");
  if (plan.stream_body && !plan.upload_length) {
    exchange->header_list = curl_slist_append(exchange->header_list, "Transfer-Encoding: chunked");
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, exchange->header_list);
  if (curl_multi_add_handle(exchange->multi, easy) != CURLM_OK) return nullptr;
  exchange->attached = true;
  return exchange;
}

void Handle(Endpoint* endpoint, const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader* reader) {
  // The reply is the upstream's, bytes as they come: httplib must neither
  // cut it to the child's Range (the upstream already did) nor compress it.
  // Both are read from the request when the reply is written.
  auto& mutable_request = const_cast<httplib::Request&>(req);
  mutable_request.ranges.clear();

  ProxyRequest request;
  request.method = req.method;
  request.target = req.target;
  for (const auto& [name, value] : req.headers) {
    // httplib files the socket's addresses among the headers; they were
    // never sent and must not be forwarded or signed.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    request.headers.emplace_back(name, value);
  }
  mutable_request.headers.erase("Accept-Encoding");

  ProxyPlan plan = (*endpoint->planner)(request);
  std::string body;
  if (plan.need_body) {
    bool too_large = false;
    if (reader != nullptr) {
      (*reader)([&](const char* data, size_t size) {
        if (body.size() + size > audex::kMaxBufferedBody) {
          too_large = true;
          return false;
        }
        body.append(data, size);
        return true;
      });
    }
    if (too_large) {
      res.status = 413;
      res.set_header("Connection", "close");
      res.set_content(
          "request body over 64 MiB: Audex's endpoint reads JSON and Query request "
          "bodies whole",
          "text/plain");
      return;
    }
    request.body = &body;
    plan = (*endpoint->planner)(request);
  }
  if (plan.reply) {
    WriteReply(*plan.reply, res);
    // An unread body would be taken for the next request.
    if (reader != nullptr && !plan.need_body) res.set_header("Connection", "close");
    ProxyOutcome outcome;
    outcome.status = plan.reply->status;
    if (plan.done) plan.done(outcome);
    return;
  }

  std::shared_ptr<Exchange> exchange = StartExchange(plan, endpoint->options);
  if (!exchange) {
    res.status = 500;
    res.set_content("Audex's endpoint could not start libcurl", "text/plain");
    ProxyOutcome outcome;
    outcome.failure = "libcurl could not start";
    if (plan.done) plan.done(outcome);
    return;
  }

  if (plan.stream_body && reader != nullptr) {
    std::string transformed;
    bool failed = false;
    bool stopped = false;
    (*reader)([&](const char* data, size_t size) {
      std::string_view piece(data, size);
      if (plan.transform) {
        transformed.clear();
        if (auto ok = plan.transform(piece, &transformed); !ok) {
          failed = true;
          return false;
        }
        piece = transformed;
      }
      exchange->pending.append(piece);
      // httplib hands the body over 4 KiB at a time; curl is run once a
      // batch is in, not for every piece.
      if (exchange->pending.size() < kUploadBatch) return true;
      if (exchange->read_paused) {
        exchange->read_paused = false;
        curl_easy_pause(exchange->easy, CURLPAUSE_CONT);
      }
      // Until curl has taken these bytes (or the upstream answered early).
      exchange->Pump([&] { return exchange->pending.empty() || exchange->headers_done; });
      // The upstream answered before taking the whole body (a refusal):
      // stop reading; the connection closes after the reply.
      stopped = exchange->transfer_done || !exchange->pending.empty();
      return !stopped;
    });
    if (stopped) res.set_header("Connection", "close");
    if (failed) {
      res.status = 400;
      res.set_header("Connection", "close");
      res.set_content("the aws-chunked request body is malformed or not signed by the command",
                      "text/plain");
      exchange->Report("the aws-chunked body was refused");
      return;
    }
  }
  exchange->upload_done = true;
  if (exchange->read_paused) {
    exchange->read_paused = false;
    curl_easy_pause(exchange->easy, CURLPAUSE_CONT);
  }
  exchange->Pump([&] { return exchange->headers_done; });
  if (!exchange->headers_done) {
    res.status = 502;
    res.set_content("Audex's endpoint got no reply from " + exchange->origin, "text/plain");
    exchange->Report(exchange->Failure().empty() ? "no reply" : exchange->Failure());
    return;
  }

  res.status = exchange->status;
  std::string type;
  std::optional<size_t> length;
  for (const auto& [name, value] : exchange->headers) {
    if (name == "content-type") {
      type = value;
    } else if (name == "content-length") {
      length = static_cast<size_t>(std::strtoull(value.c_str(), nullptr, 10));
    } else if (name != "transfer-encoding" && name != "connection" && name != "keep-alive") {
      res.set_header(name.c_str(), value);
    }
  }
  const char* content_type = type.empty() ? "application/octet-stream" : type.c_str();
  const bool no_body = req.method == "HEAD" || exchange->status == 204 || exchange->status == 304;
  // No body to stream (an empty one, 204 No Content from DeleteObject, 304,
  // a HEAD without a length): the exchange ends with its headers and the
  // connection stays open for the next request.
  if ((length && *length == 0) || (no_body && (!length || req.method != "HEAD"))) {
    exchange->Pump([] { return false; });
    res.set_content("", content_type);
    exchange->Report(exchange->Failure());
    return;
  }
  const auto release = [exchange, no_body](bool success) {
    // A reply without a body is complete once its headers are in.
    if (no_body) exchange->Pump([] { return false; });
    std::string failure = exchange->Failure();
    if (failure.empty() && !success && !no_body && !exchange->transfer_done) {
      failure = "the command closed the connection";
    }
    exchange->Report(failure);
  };
  // Gives the child what curl has read, running curl until it has read
  // something (or the transfer ended).
  const auto pump = [exchange](httplib::DataSink& sink) {
    exchange->written_now = 0;
    if (exchange->gathered.empty()) {
      exchange->Pump([&] { return !exchange->gathered.empty(); });
    }
    if (exchange->gathered.empty()) return;
    if (!sink.write(exchange->gathered.data(), exchange->gathered.size())) {
      exchange->sink_failed = true;
      return;
    }
    exchange->bytes_down += exchange->gathered.size();
    exchange->written_now = exchange->gathered.size();
    exchange->gathered.clear();
    if (exchange->write_paused) {
      // curl hands back the bytes it kept from inside this call.
      exchange->write_paused = false;
      curl_easy_pause(exchange->easy, CURLPAUSE_CONT);
    }
  };
  if (length) {
    // HEAD: httplib writes Content-Length from the length and no body.
    res.set_content_provider(
        length.value_or(0), content_type,
        [exchange, pump](size_t, size_t, httplib::DataSink& sink) {
          pump(sink);
          return exchange->written_now > 0 && !exchange->sink_failed;
        },
        release);
    return;
  }
  res.set_chunked_content_provider(
      content_type,
      [exchange, pump](size_t, httplib::DataSink& sink) {
        pump(sink);
        if (exchange->sink_failed || exchange->result != CURLE_OK) return false;
        if (exchange->transfer_done && exchange->written_now == 0) sink.done();
        return true;
      },
      release);
}

}  // namespace

// Built with hidden visibility: only the two entry points are exported.
extern "C" __attribute__((visibility("default"))) void* AudexProxyStart(
    const audex::ProxyPlanner* planner, const audex::ProxyOptions* options, int* port) {
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!curl_ready) return nullptr;
  auto* endpoint = new Endpoint;
  endpoint->planner = planner;
  endpoint->options = *options;
  // Two threads wait for connections; more start as connections stay open
  // (SDKs keep pools), up to options->threads.
  const size_t threads = static_cast<size_t>(std::max(2, options->threads));
  endpoint->server.new_task_queue = [threads] { return new audex::ConnectionQueue(2, threads); };
  // SDKs keep connections open between calls; so does the endpoint.
  endpoint->server.set_keep_alive_max_count(100000);
  // An idle connection holds a worker thread: let it go after 10 s (SDKs
  // notice a closed idle connection and open another).
  endpoint->server.set_keep_alive_timeout(10);
  endpoint->server.set_read_timeout(120);
  endpoint->server.set_write_timeout(120);
  // Small requests and replies: without TCP_NODELAY, Nagle's algorithm and
  // delayed ACKs add tens of milliseconds to a call.
  endpoint->server.set_tcp_nodelay(true);
  const auto plain = [endpoint](const httplib::Request& req, httplib::Response& res) {
    Handle(endpoint, req, res, nullptr);
  };
  const auto with_body = [endpoint](const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader) {
    Handle(endpoint, req, res, &reader);
  };
  endpoint->server.Get(".*", plain);
  endpoint->server.Post(".*", plain);
  endpoint->server.Put(".*", plain);
  endpoint->server.Patch(".*", plain);
  endpoint->server.Delete(".*", plain);
  endpoint->server.Options(".*", plain);
  endpoint->server.Post(".*", with_body);
  endpoint->server.Put(".*", with_body);
  endpoint->server.Patch(".*", with_body);
  endpoint->server.Delete(".*", with_body);
  const int bound = endpoint->Start();
  if (bound <= 0) {
    delete endpoint;
    return nullptr;
  }
  *port = bound;
  return endpoint;
}

extern "C" __attribute__((visibility("default"))) void AudexProxyStop(void* handle) {
  auto* endpoint = static_cast<Endpoint*>(handle);
  if (endpoint == nullptr) return;
  endpoint->Stop();
  delete endpoint;
}
