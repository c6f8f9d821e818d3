// The HTTP client settings a user controls through the environment, read the
// way the AWS CLI reads them.
#pragma once

#include "adapters/config/paths.h"
#include "adapters/http/curl_http_client.h"

namespace audex {

// AWS_CA_BUNDLE: a PEM file of certificate authorities to trust instead of
// the system's (corporate TLS proxies, private endpoints).
inline CurlHttpOptions HttpOptionsFrom(const EnvLookup& env) {
  CurlHttpOptions options;
  if (auto bundle = env("AWS_CA_BUNDLE"); bundle && !bundle->empty()) options.ca_bundle = *bundle;
  return options;
}

}  // namespace audex
