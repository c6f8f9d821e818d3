// HTTP requests and responses as plain values: core builds and signs them,
// adapters/http sends them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace audex {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path[?query]
  HttpHeaders headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;
};

}  // namespace audex
