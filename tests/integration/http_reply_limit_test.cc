// CurlHttpClient against a loopback server that answers with a body far
// larger than any reply Audex reads: declared as 2 GiB, or without a length
// (read until the server closes), or chunked without end. The client
// refuses it with a message naming the limit and the origin, and the
// process's peak memory (VmHWM) stays bounded. The server gives up after
// 512 MiB, so a client without the limit fails the memory check rather than
// the machine.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>

#include "adapters/http/curl_http_client.h"
#include "support/loopback_http_server.h"

namespace audex {
namespace {

constexpr size_t kServerGivesUpAfter = size_t{512} << 20;

enum class Framing { kDeclared2GiB, kUntilClose, kChunked };

// A loopback server whose one route streams 'x' in the given framing (RFC
// 9112 section 6: a Content-Length, the connection's close, or chunks),
// until the client stops reading or kServerGivesUpAfter bytes are sent.
class FloodServer {
 public:
  explicit FloodServer(Framing framing) {
    loopback_.http().Get("/", [this, framing](const httplib::Request&, httplib::Response& reply) {
      auto flood = [this](size_t, httplib::DataSink& sink) {
        if (sent_ >= kServerGivesUpAfter || !sink.write(chunk_.data(), chunk_.size())) {
          return false;
        }
        sent_ += chunk_.size();
        return true;
      };
      switch (framing) {
        case Framing::kDeclared2GiB:
          reply.set_content_provider(size_t{2} << 30, "application/json",
                                     [flood](size_t offset, size_t, httplib::DataSink& sink) {
                                       return flood(offset, sink);
                                     });
          break;
        case Framing::kUntilClose:
          reply.set_content_provider("application/json", flood);
          break;
        case Framing::kChunked:
          reply.set_chunked_content_provider("application/json", flood);
          break;
      }
    });
    loopback_.Start();
  }
  std::string url() const { return loopback_.Url() + "/"; }
  size_t sent() const { return sent_; }

 private:
  const std::string chunk_ = std::string(64 * 1024, 'x');
  std::atomic<size_t> sent_{0};
  LoopbackHttpServer<> loopback_;  // last: it stops before the members its route uses
};

// The process's peak resident memory in KiB (/proc/self/status VmHWM).
long PeakResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class HttpReplyLimit : public ::testing::TestWithParam<Framing> {};

TEST_P(HttpReplyLimit, AHugeReplyIsRefusedAndMemoryStaysBounded) {
  const long before = PeakResidentKib();
  ASSERT_GT(before, 0);
  FloodServer server(GetParam());
  CurlHttpOptions options;
  options.timeouts.total = std::chrono::seconds(60);  // the limit ends it, not the clock
  CurlHttpClient http(options);
  HttpRequest request;
  request.url = server.url();
  const HttpResult result = http.Send(request);

  ASSERT_FALSE(result) << "a " << server.sent() << "-byte reply was accepted";
  EXPECT_EQ(result.error().kind, HttpFailureKind::kOther);
  EXPECT_NE(result.error().message.find("127.0.0.1"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("larger than 16 MiB"), std::string::npos)
      << result.error().message;
  const long grown_mib = (PeakResidentKib() - before) / 1024;
  EXPECT_LT(grown_mib, 64) << "peak memory grew by " << grown_mib << " MiB";
  EXPECT_LT(server.sent(), kServerGivesUpAfter) << "the client read everything the server sent";
}

INSTANTIATE_TEST_SUITE_P(Framings, HttpReplyLimit,
                         ::testing::Values(Framing::kDeclared2GiB, Framing::kUntilClose,
                                           Framing::kChunked));

TEST(HttpReplyLimit, ALimitOfTheClientsOwnApplies) {
  FloodServer server(Framing::kUntilClose);
  CurlHttpOptions options;
  options.max_reply_bytes = 1024 * 1024;
  CurlHttpClient http(options);
  HttpRequest request;
  request.url = server.url();
  const HttpResult result = http.Send(request);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("larger than 1 MiB"), std::string::npos)
      << result.error().message;
}

}  // namespace
}  // namespace audex
