// The libcurl implementation of HttpClient: one easy handle per request.
#include "adapters/http/curl_http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/crypto.h>

#include <memory>
#include <type_traits>

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/wire/url.h"

namespace audex {
namespace {

// libcurl is opened on first use rather than linked: linked, it brings about
// 30 shared libraries (TLS, Kerberos, LDAP, ...) into every tryaudex process,
// and a dry run or `policies list` would pay milliseconds of dynamic linking
// for a network it never touches.
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

// The loaded API (initialised once, as libcurl requires before any handle),
// or null with the reason in `error`. Thread-safe.
const CurlApi* Curl(std::string* error) {
  static std::string load_error;
  static const CurlApi* const api = []() -> const CurlApi* {
    // RTLD_LAZY, as the dynamic linker binds for every program linked
    // against libcurl (the curl tool too): a function of libcurl's thirty
    // libraries is bound when first called. RTLD_NOW bound all of them
    // here, some 10 M instructions of symbol lookups per `run`
    // (bench/run_vs_cli.sh). The functions Audex calls are checked below.
    // OpenSSL first, before libcurl initialises it: told not to free its
    // tables at exit, 1.1 M instructions for memory the process returns to
    // the kernel anyway (OPENSSL_init_crypto(3); in tryaudex this also opens
    // libcrypto, cli/libcrypto_on_demand.cc).
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
    void* library = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (library == nullptr) {
      const char* reason = dlerror();
      load_error = fmt::format("cannot load libcurl.so.4 ({}); install libcurl4",
                               reason != nullptr ? reason : "unknown reason");
      return nullptr;
    }
    static CurlApi loaded;
    bool complete = true;
    const auto bind = [&](auto& slot, const char* name) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(dlsym(library, name));
      complete = complete && slot != nullptr;
    };
    bind(loaded.global_init, "curl_global_init");
    bind(loaded.easy_init, "curl_easy_init");
    bind(loaded.easy_setopt, "curl_easy_setopt");
    bind(loaded.easy_perform, "curl_easy_perform");
    bind(loaded.easy_getinfo, "curl_easy_getinfo");
    bind(loaded.easy_cleanup, "curl_easy_cleanup");
    bind(loaded.easy_strerror, "curl_easy_strerror");
    bind(loaded.slist_append, "curl_slist_append");
    bind(loaded.slist_free_all, "curl_slist_free_all");
    if (!complete) {
      load_error = "libcurl.so.4 lacks a function Audex needs; install a current libcurl4";
      return nullptr;
    }
    loaded.global_init(CURL_GLOBAL_DEFAULT);
    return &loaded;
  }();
  if (api == nullptr && error != nullptr) *error = load_error;
  return api;
}

struct EasyDeleter {
  void operator()(CURL* handle) const { Curl(nullptr)->easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { Curl(nullptr)->slist_free_all(list); }
};

// Where a reply's bytes go, with the limit on them: a callback that takes
// fewer bytes than it was given makes libcurl abort with CURLE_WRITE_ERROR.
struct ReplySink {
  HttpResponse* response;
  size_t limit;
  size_t header_bytes = 0;
  bool over_limit = false;
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ReplySink*>(user);
  const size_t bytes = size * count;
  if (sink->response->body.size() + bytes > sink->limit) {
    sink->over_limit = true;
    return 0;
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ReplySink*>(user);
  auto* headers = &sink->response->headers;
  sink->header_bytes += size * count;
  if (sink->header_bytes > sink->limit) {
    sink->over_limit = true;
    return 0;
  }
  const std::string_view line(data, size * count);
  // A new status line starts a new response (after "100 Continue" or an
  // interim reply); only the final response's headers count.
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(ToLower(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

HttpFailureKind Classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return HttpFailureKind::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return HttpFailureKind::kConnect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return HttpFailureKind::kTls;
    default:
      return HttpFailureKind::kOther;
  }
}

// "16 MiB", "1 MiB", "512 KiB", "100 bytes".
std::string DescribeBytes(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return fmt::format("{} MiB", bytes >> 20);
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

}  // namespace

CurlHttpClient::CurlHttpClient(CurlHttpOptions options) : options_(std::move(options)) {}

HttpResult CurlHttpClient::Send(const HttpRequest& request) {
  // Messages name only the origin: the path and query may carry a
  // presigned signature, the body a policy or a token.
  const auto url = ParseUrl(request.url);
  if (!url) return tl::unexpected(HttpFailure{HttpFailureKind::kOther, url.error().message});
  const std::string origin = Origin(*url);

  std::string load_error;
  const CurlApi* api = Curl(&load_error);
  if (api == nullptr) return tl::unexpected(HttpFailure{HttpFailureKind::kOther, load_error});
  std::unique_ptr<CURL, EasyDeleter> handle(api->easy_init());
  if (!handle) {
    return tl::unexpected(HttpFailure{HttpFailureKind::kOther, "libcurl could not start"});
  }
  CURL* curl = handle.get();
  char error_buffer[CURL_ERROR_SIZE] = {};
  HttpResponse response;

  api->easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  api->easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  // Only http and https, never redirected: a redirect could carry the
  // signed request (and its token header) to another host.
  api->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  api->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  api->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  api->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (options_.ca_bundle) api->easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle->c_str());
  // Without NOSIGNAL libcurl uses SIGALRM for DNS timeouts, which is unsafe
  // with threads and would collide with the signals Audex forwards to its
  // child.
  api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.timeouts.connect.count()));
  api->easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeouts.total.count()));
  api->easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  ReplySink sink{&response, options_.max_reply_bytes};
  api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  api->easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  api->easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  api->easy_setopt(curl, CURLOPT_HEADERDATA, &sink);

  const std::string method = [&] {
    std::string upper = request.method;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  }();
  if (method == "HEAD") {
    api->easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    // A declared Content-Length over the limit is refused before any body
    // (not for HEAD, whose Content-Length describes a body never sent).
    api->easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options_.max_reply_bytes));
  }
  if (method != "HEAD" && (method != "GET" || !request.body.empty())) {
    api->easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    api->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    if (method != "POST") api->easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  const auto add_header = [&](const std::string& line) {
    curl_slist* extended = api->slist_append(headers.get(), line.c_str());
    if (extended != nullptr) {
      (void)headers.release();
      headers.reset(extended);
    }
  };
  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's way to send a header with an empty value.
    add_header(value.empty() ? name + ";" : name + ": " + value);
  }
  // curl waits up to a second for "100 Continue" before sending a body over
  // 1 KiB (a session policy often is); STS never asks for it.
  add_header("Expect:");
  api->easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode code = api->easy_perform(curl);
  if (sink.over_limit || code == CURLE_FILESIZE_EXCEEDED) {
    return tl::unexpected(HttpFailure{
        HttpFailureKind::kOther,
        fmt::format("{}: the reply is larger than {}, more than any reply Audex reads; refused "
                    "(is the endpoint the service it should be? check AWS_ENDPOINT_URL and the "
                    "like)",
                    origin, DescribeBytes(options_.max_reply_bytes))});
  }
  if (code != CURLE_OK) {
    const HttpFailureKind kind = Classify(code);
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : api->easy_strerror(code);
    if (kind == HttpFailureKind::kTimeout) {
      return tl::unexpected(
          HttpFailure{kind, fmt::format("{}: no complete reply within {} ms (connect timeout {} "
                                        "ms): {}",
                                        origin, options_.timeouts.total.count(),
                                        options_.timeouts.connect.count(), detail)});
    }
    return tl::unexpected(HttpFailure{kind, fmt::format("{}: {}", origin, detail)});
  }
  long status = 0;
  api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

CurlHttpOptions HttpOptionsFrom(const EnvLookup& env) {
  CurlHttpOptions options;
  if (auto bundle = NonEmptyVariable(env, "AWS_CA_BUNDLE")) options.ca_bundle = *bundle;
  return options;
}

CurlHttpOptions HttpOptionsFrom(const EnvLookup& env, const std::string& ca_bundle_variable) {
  CurlHttpOptions options = HttpOptionsFrom(env);
  if (auto bundle = NonEmptyVariable(env, ca_bundle_variable)) options.ca_bundle = *bundle;
  return options;
}

CurlHttpOptions ForMetadataService(CurlHttpOptions options) {
  options.timeouts.connect = std::chrono::milliseconds(1000);
  options.timeouts.total = std::chrono::milliseconds(3000);
  return options;
}

}  // namespace audex
