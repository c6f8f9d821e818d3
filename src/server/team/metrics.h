// Metrics: what `GET /metrics` reports, in Prometheus's text exposition
// format (version 0.0.4): requests by route and status, grants by outcome,
// refusals by rule, STS calls and their latency, STS cache hits and
// rate-limit rejections. Counters live in this replica's memory; Prometheus
// sums replicas. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace audex {

class Metrics {
 public:
  void CountRequest(std::string_view route, int status);
  void CountGrant(std::string_view outcome);  // issued, reused, failed, pending
  void CountRefusal(std::string_view rule);
  void ObserveSts(std::chrono::microseconds took, bool ok);
  void CountRateLimited();
  // Webhook notices: delivered, attempt_failed, failed (after every
  // retry), dropped (queue full or shutting down).
  void CountWebhook(std::string_view outcome, uint64_t count);

  std::string Render() const;

  // The histogram's upper bounds, in seconds.
  static constexpr std::array<double, 10> kStsBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,  0.5,  1.0,   2.5,  5.0};

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, uint64_t> grants_;
  std::map<std::string, uint64_t> refusals_;
  std::map<bool, uint64_t> sts_calls_;
  std::array<uint64_t, kStsBuckets.size()> sts_buckets_{};
  uint64_t sts_count_ = 0;
  double sts_sum_seconds_ = 0;
  uint64_t rate_limited_ = 0;
  std::map<std::string, uint64_t> webhooks_;
};

// A label value as the text format needs it: backslash, quote and newline
// escaped.
std::string PrometheusLabel(std::string_view value);

}  // namespace audex
