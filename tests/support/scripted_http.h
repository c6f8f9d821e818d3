// Test doubles for the clients' seams: an HttpClient that answers from a
// script, and an environment read from a map.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/config/paths.h"
#include "adapters/http/http_client.h"
#include "core/base/env.h"

namespace audex {

// Records every request in `sent` and answers with the next entry of
// `script`; once that is empty, with `fallback` if set, else `when_done`.
class ScriptedHttpClient : public HttpClient {
 public:
  std::deque<HttpResult> script;
  std::vector<HttpRequest> sent;
  std::function<HttpResult(const HttpRequest&)> fallback;
  HttpFailure when_done{HttpFailureKind::kOther, "script ended"};

  HttpResult Send(const HttpRequest& request) override {
    sent.push_back(request);
    if (script.empty()) {
      if (fallback) return fallback(request);
      return tl::unexpected(when_done);
    }
    HttpResult next = std::move(script.front());
    script.pop_front();
    return next;
  }
};

// The variables of `values`, and no others.
inline EnvLookup MapEnv(const std::map<std::string, std::string>& values) {
  return LookupIn(Environment(values.begin(), values.end()));
}

}  // namespace audex
