#include "server/team/webhook.h"

#include <fmt/format.h>

#include "core/base/retry_policy.h"

namespace audex {
namespace {

// "https://hooks.slack.com/services/T0/B0/XXXX" -> "https://hooks.slack.com".
std::string OriginOf(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "(webhook)";
  const size_t path = url.find_first_of("/?#", scheme + 3);
  std::string origin = url.substr(0, path);
  // user:password@ is a secret too.
  if (const size_t at = origin.find('@', scheme + 3); at != std::string::npos) {
    origin = origin.substr(0, scheme + 3) + origin.substr(at + 1);
  }
  return origin;
}

}  // namespace

WebhookNotifier::WebhookNotifier(WebhookConfig config, std::unique_ptr<HttpClient> http,
                                 Metrics& metrics, std::function<void(const nlohmann::json&)> log,
                                 SleepFunction sleep)
    : config_(std::move(config)),
      origin_(OriginOf(config_.url)),
      http_(std::move(http)),
      metrics_(metrics),
      log_(std::move(log)),
      sleep_(std::move(sleep)) {
  FillUnsetRetryHooks(sleep_, random01_);
  worker_ = std::thread([this] { Run(); });
}

WebhookNotifier::~WebhookNotifier() {
  (void)Drain(std::chrono::duration_cast<std::chrono::milliseconds>(config_.timeout));
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (!queue_.empty()) {
      metrics_.CountWebhook("dropped", queue_.size());
      queue_.clear();
    }
  }
  wake_.notify_all();
  worker_.join();
}

void WebhookNotifier::Post(nlohmann::json message) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= kMaxQueued) {
      metrics_.CountWebhook("dropped", 1);
      log_({{"level", "error"},
            {"msg", "webhook queue full; notice dropped"},
            {"webhook", origin_},
            {"event", message.value("audex", nlohmann::json::object()).value("event", "")}});
      return;
    }
    queue_.push_back(std::move(message));
  }
  wake_.notify_one();
}

bool WebhookNotifier::Drain(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, limit, [this] { return queue_.empty() && !busy_; });
}

void WebhookNotifier::Run() {
  for (;;) {
    nlohmann::json message;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      message = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    Deliver(message);
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    idle_.notify_all();
  }
}

void WebhookNotifier::Deliver(const nlohmann::json& message) {
  HttpRequest request;
  request.method = "POST";
  request.url = config_.url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = message.dump();
  RetryPolicy policy;
  policy.max_attempts = config_.attempts;
  policy.base_delay = std::chrono::milliseconds(1000);
  policy.max_delay = std::chrono::milliseconds(8000);
  std::string last;
  for (int attempt = 1;; ++attempt) {
    const HttpResult result = http_->Send(request);
    const AttemptOutcome outcome = ClassifyHttpResult(result);
    if (outcome == AttemptOutcome::kSuccess) {
      metrics_.CountWebhook("delivered", 1);
      return;
    }
    last = result ? fmt::format("HTTP {}", result->status) : result.error().message;
    metrics_.CountWebhook("attempt_failed", 1);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    const auto delay = NextRetryDelay(policy, outcome, attempt, random01_());
    if (!delay) break;
    sleep_(*delay);
  }
  metrics_.CountWebhook("failed", 1);
  log_({{"level", "error"},
        {"msg", "webhook delivery failed; notice dropped"},
        {"webhook", origin_},
        {"event", message.value("audex", nlohmann::json::object()).value("event", "")},
        {"error", last}});
}

}  // namespace audex
