// CurlHttpClient: the HttpClient that really talks to the network, through
// libcurl, with TLS verification on and bounded connect and total times.
#pragma once

#include <optional>
#include <string>

#include "adapters/http/http_client.h"
#include "core/base/env.h"

namespace audex {

// No reply Audex reads comes near this (an STS or IAM reply is a few KiB,
// a CloudTrail page or a Claude reply some hundreds); a server sending more
// is broken or hostile, and reading it all would cost that much memory.
inline constexpr size_t kDefaultMaxReplyBytes = size_t{16} << 20;

struct CurlHttpOptions {
  HttpTimeouts timeouts;
  std::string user_agent = "tryaudex";
  // A PEM bundle to trust instead of the system's (AWS_CA_BUNDLE, for a
  // private endpoint or a test server with its own certificate authority).
  std::optional<std::string> ca_bundle;
  // The most reply body (and, separately, header) bytes accepted; more is a
  // kOther failure naming the limit (see kDefaultMaxReplyBytes).
  size_t max_reply_bytes = kDefaultMaxReplyBytes;
};

// The settings a user controls through the environment, read the way the
// AWS CLI reads them: AWS_CA_BUNDLE, a PEM file of certificate authorities
// to trust instead of the system's (corporate TLS proxies, private
// endpoints).
CurlHttpOptions HttpOptionsFrom(const EnvLookup& env);

// The same for another cloud's client, whose CLI names its own bundle
// variable (REQUESTS_CA_BUNDLE for az, CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE for
// gcloud): that variable when set, else AWS_CA_BUNDLE.
CurlHttpOptions HttpOptionsFrom(const EnvLookup& env, const std::string& ca_bundle_variable);

// `options` with short timeouts, for a cloud's instance metadata service at
// a link-local address (169.254.169.254): off that cloud nothing answers
// there, so a search for base credentials gives up in seconds.
CurlHttpOptions ForMetadataService(CurlHttpOptions options);

// Thread safety: one instance per thread; each Send uses its own handle.
// Proxies follow libcurl's usual environment variables (https_proxy,
// no_proxy, ...), the same ones the AWS CLI honours.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpOptions options = {});
  HttpResult Send(const HttpRequest& request) override;

 private:
  CurlHttpOptions options_;
};

}  // namespace audex
