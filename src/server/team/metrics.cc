#include "server/team/metrics.h"

#include <fmt/format.h>

namespace audex {

std::string PrometheusLabel(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void Metrics::CountRequest(std::string_view route, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
}

void Metrics::CountGrant(std::string_view outcome) {
  std::lock_guard lock(mutex_);
  ++grants_[std::string(outcome)];
}

void Metrics::CountRefusal(std::string_view rule) {
  std::lock_guard lock(mutex_);
  ++refusals_[std::string(rule)];
}

void Metrics::ObserveSts(std::chrono::microseconds took, bool ok) {
  const double seconds = static_cast<double>(took.count()) / 1e6;
  std::lock_guard lock(mutex_);
  ++sts_calls_[ok];
  ++sts_count_;
  sts_sum_seconds_ += seconds;
  for (size_t i = 0; i < kStsBuckets.size(); ++i) {
    if (seconds <= kStsBuckets[i]) ++sts_buckets_[i];
  }
}

void Metrics::CountRateLimited() {
  std::lock_guard lock(mutex_);
  ++rate_limited_;
}

void Metrics::CountWebhook(std::string_view outcome, uint64_t count) {
  std::lock_guard lock(mutex_);
  webhooks_[std::string(outcome)] += count;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP audex_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE audex_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += fmt::format("audex_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       PrometheusLabel(key.first), key.second, count);
  }
  out += "# HELP audex_grants_total Grants by outcome.\n";
  out += "# TYPE audex_grants_total counter\n";
  for (const auto& [outcome, count] : grants_) {
    out +=
        fmt::format("audex_grants_total{{outcome=\"{}\"}} {}\n", PrometheusLabel(outcome), count);
  }
  out += "# HELP audex_grant_refusals_total Refused grant requests by the rule that refused.\n";
  out += "# TYPE audex_grant_refusals_total counter\n";
  for (const auto& [rule, count] : refusals_) {
    out +=
        fmt::format("audex_grant_refusals_total{{rule=\"{}\"}} {}\n", PrometheusLabel(rule), count);
  }
  out += "# HELP audex_sts_calls_total Calls to the cloud's token service by result.\n";
  out += "# TYPE audex_sts_calls_total counter\n";
  for (const auto& [ok, count] : sts_calls_) {
    out += fmt::format("audex_sts_calls_total{{result=\"{}\"}} {}\n", ok ? "ok" : "error", count);
  }
  out += "# HELP audex_sts_call_seconds Latency of calls to the cloud's token service.\n";
  out += "# TYPE audex_sts_call_seconds histogram\n";
  for (size_t i = 0; i < kStsBuckets.size(); ++i) {
    out += fmt::format("audex_sts_call_seconds_bucket{{le=\"{}\"}} {}\n", kStsBuckets[i],
                       sts_buckets_[i]);
  }
  out += fmt::format("audex_sts_call_seconds_bucket{{le=\"+Inf\"}} {}\n", sts_count_);
  out += fmt::format("audex_sts_call_seconds_sum {}\n", sts_sum_seconds_);
  out += fmt::format("audex_sts_call_seconds_count {}\n", sts_count_);
  out += "# HELP audex_sts_cache_hits_total Grants answered from a live session.\n";
  out += "# TYPE audex_sts_cache_hits_total counter\n";
  const auto reused = grants_.find("reused");
  out +=
      fmt::format("audex_sts_cache_hits_total {}\n", reused == grants_.end() ? 0 : reused->second);
  out += "# HELP audex_rate_limited_total Requests refused by a rate limit (HTTP 429).\n";
  out += "# TYPE audex_rate_limited_total counter\n";
  out += fmt::format("audex_rate_limited_total {}\n", rate_limited_);
  out += "# HELP audex_webhook_notices_total Webhook notices by outcome.\n";
  out += "# TYPE audex_webhook_notices_total counter\n";
  for (const char* outcome : {"delivered", "attempt_failed", "failed", "dropped"}) {
    const auto found = webhooks_.find(outcome);
    out += fmt::format("audex_webhook_notices_total{{outcome=\"{}\"}} {}\n", outcome,
                       found == webhooks_.end() ? 0 : found->second);
  }
  return out;
}

}  // namespace audex
