// WebhookNotifier: delivers the team server's approval and break-glass
// notices (core/team/approval_notice.h) to [webhook] url, off the request
// path: Post queues and returns at once, one worker thread sends, each
// message with bounded retries (jittered exponential backoff, core's
// RetryPolicy; connection failures, timeouts, 429 and 5xx are retried), so a
// slow or dead receiver never holds up a grant. A full queue drops the new
// message. Every outcome is counted in /metrics and a failure is logged by
// the receiver's origin only: the URL's path is Slack's secret.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "adapters/http/retry_hooks.h"
#include "core/team/server_config.h"
#include "server/team/metrics.h"

namespace audex {

class WebhookNotifier {
 public:
  static constexpr size_t kMaxQueued = 1000;

  WebhookNotifier(WebhookConfig config, std::unique_ptr<HttpClient> http, Metrics& metrics,
                  std::function<void(const nlohmann::json&)> log, SleepFunction sleep = {});
  // Gives the queue up to the config's timeout to drain, then drops the rest.
  ~WebhookNotifier();
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // Queues `message` (Slack JSON); never blocks on the network.
  void Post(nlohmann::json message);
  // Waits until nothing is queued or in flight, at most `limit`; whether it
  // got there (tests, shutdown).
  bool Drain(std::chrono::milliseconds limit);

  const std::string& url() const { return config_.url; }

 private:
  void Run();
  void Deliver(const nlohmann::json& message);

  WebhookConfig config_;
  std::string origin_;  // scheme://host[:port], the part that may be logged
  std::unique_ptr<HttpClient> http_;
  Metrics& metrics_;
  std::function<void(const nlohmann::json&)> log_;
  SleepFunction sleep_;
  Random01Function random01_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<nlohmann::json> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace audex
