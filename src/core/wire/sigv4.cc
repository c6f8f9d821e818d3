// SigV4 signing, following AWS's "Create a signed AWS API request" steps:
// canonical request → string to sign → derived key → signature.
#include "core/wire/sigv4.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using std::chrono::system_clock;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Hop-by-hop headers and User-Agent may be changed by proxies on the way, so
// signing them would break the signature; botocore leaves out the same set.
constexpr std::array<std::string_view, 11> kUnsignedHeaders = {"connection",
                                                               "expect",
                                                               "keep-alive",
                                                               "proxy-authenticate",
                                                               "proxy-authorization",
                                                               "te",
                                                               "trailer",
                                                               "transfer-encoding",
                                                               "upgrade",
                                                               "user-agent",
                                                               "x-amzn-trace-id"};

bool IsUnsignedHeader(std::string_view lower_name) {
  return std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(), lower_name) !=
         kUnsignedHeaders.end();
}

void RemoveHeader(HttpHeaders& headers, std::string_view lower_name) {
  std::erase_if(headers, [&](const auto& header) { return ToLower(header.first) == lower_name; });
}

const std::string* FindHeader(const HttpHeaders& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (ToLower(name) == lower_name) return &value;
  }
  return nullptr;
}

// SigV4's Trimall: leading and trailing blanks removed, inner runs of
// whitespace collapsed to one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (const char c : value) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 section 5.2.4 dot-segment removal; AWS also wants repeated
// slashes collapsed (as botocore's normalize_url_path does).
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string normalized = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalized.push_back('/');
    normalized += segments[i];
  }
  if (!segments.empty() && path.size() > 1 && path.back() == '/') normalized.push_back('/');
  return normalized;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= query.size()) {
    const size_t end = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t equals = pair.find('=');
      const std::string_view name = pair.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
      pairs.emplace_back(UriEncode(PercentDecode(name)), UriEncode(PercentDecode(value)));
    }
    start = end + 1;
  }
  // Sorted by encoded name, then by encoded value for repeated names.
  std::sort(pairs.begin(), pairs.end());
  std::string canonical;
  for (const auto& [name, value] : pairs) {
    if (!canonical.empty()) canonical.push_back('&');
    canonical += name;
    canonical.push_back('=');
    canonical += value;
  }
  return canonical;
}

// The request with every header SigV4 adds (except Authorization), its URL
// rewritten with the canonical query string.
struct PreparedRequest {
  HttpRequest request;
  Url url;
  std::string canonical_query;
  std::string payload_hash;
  std::string amz_date;
};

Result<PreparedRequest> Prepare(HttpRequest request, const AwsCredentials& credentials,
                                system_clock::time_point now, const SigV4Options& options) {
  auto url = ParseUrl(request.url);
  if (!url) return tl::unexpected(url.error());

  PreparedRequest prepared;
  prepared.amz_date = FormatAmzDate(now);
  prepared.canonical_query = CanonicalQuery(url->query);
  request.url = Origin(*url) + url->path;
  if (!prepared.canonical_query.empty()) request.url += "?" + prepared.canonical_query;

  for (const std::string_view name : {"authorization", "x-amz-date", "x-amz-security-token"}) {
    RemoveHeader(request.headers, name);
  }
  if (options.content_sha256_header) RemoveHeader(request.headers, "x-amz-content-sha256");

  // A caller-supplied X-Amz-Content-Sha256 (e.g. S3's UNSIGNED-PAYLOAD) is
  // the payload hash by definition; otherwise the body is hashed.
  if (const std::string* given = FindHeader(request.headers, "x-amz-content-sha256")) {
    prepared.payload_hash = *given;
  } else {
    prepared.payload_hash = Sha256Hex(request.body);
  }
  if (FindHeader(request.headers, "host") == nullptr) {
    request.headers.emplace_back("Host", HostHeaderValue(*url));
  }
  request.headers.emplace_back("X-Amz-Date", prepared.amz_date);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token.Reveal());
  }
  if (options.content_sha256_header) {
    request.headers.emplace_back("X-Amz-Content-Sha256", prepared.payload_hash);
  }
  prepared.request = std::move(request);
  prepared.url = std::move(*url);
  return prepared;
}

// Canonical headers: lower-cased names, sorted; values of a repeated name
// joined with ',' in the order they appear. `keep` decides which names are
// signed.
template <typename Keep>
void CanonicalHeaders(const HttpHeaders& request_headers, Keep keep, std::string* canonical,
                      std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request_headers) {
    std::string lower = ToLower(TrimAll(name));
    if (!keep(lower)) continue;
    const auto existing = std::find_if(headers.begin(), headers.end(),
                                       [&](const auto& header) { return header.first == lower; });
    if (existing == headers.end()) {
      headers.emplace_back(std::move(lower), TrimAll(value));
    } else {
      existing->second += "," + TrimAll(value);
    }
  }
  std::sort(headers.begin(), headers.end());
  for (const auto& [name, value] : headers) {
    *canonical += fmt::format("{}:{}\n", name, value);
    if (!signed_headers->empty()) signed_headers->push_back(';');
    *signed_headers += name;
  }
}

// S3 signs the path as sent; every other service signs it normalized and
// encoded again (AWS SigV4 docs, "Canonical URI").
std::string CanonicalUri(std::string_view path, const SigV4Scope& scope) {
  return scope.service == "s3" ? std::string(path) : UriEncode(NormalizePath(path), true);
}

std::string UpperMethod(std::string method) {
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return method;
}

std::string StringToSign(std::string_view amz_date, const SigV4Scope& scope,
                         std::string_view canonical_request) {
  return fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date,
                     SigV4CredentialScope(amz_date.substr(0, 8), scope),
                     Sha256Hex(canonical_request));
}

SigV4Signature Sign(const PreparedRequest& prepared, const AwsCredentials& credentials,
                    const SigV4Scope& scope) {
  std::string canonical_headers;
  std::string signed_headers;
  CanonicalHeaders(
      prepared.request.headers, [](const std::string& name) { return !IsUnsignedHeader(name); },
      &canonical_headers, &signed_headers);
  const std::string canonical_request =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}", UpperMethod(prepared.request.method),
                  CanonicalUri(prepared.url.path, scope), prepared.canonical_query,
                  canonical_headers, signed_headers, prepared.payload_hash);

  const std::string date = prepared.amz_date.substr(0, 8);
  const std::string string_to_sign = StringToSign(prepared.amz_date, scope, canonical_request);
  const std::string signing_key = SigV4SigningKey(credentials.secret_access_key, date, scope);
  const std::string signature = HexEncode(HmacSha256(signing_key, string_to_sign));

  SigV4Signature result;
  result.canonical_request = SecretString(canonical_request);
  result.string_to_sign = string_to_sign;
  result.signed_headers = signed_headers;
  result.signature = signature;
  result.authorization = fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}",
                                     kAlgorithm, credentials.access_key_id,
                                     SigV4CredentialScope(date, scope), signed_headers, signature);
  return result;
}

}  // namespace

// X-Amz-Date is ISO 8601's basic format, YYYYMMDD'T'HHMMSS'Z' (SigV4 docs,
// "Elements of an AWS API request signature"): RFC 3339's extended form
// without its separators.
std::string FormatAmzDate(system_clock::time_point time) {
  std::string date = FormatRfc3339(time);
  std::erase_if(date, [](char c) { return c == '-' || c == ':'; });
  return date;
}

Result<SigV4Signature> ComputeSigV4(const HttpRequest& request, const AwsCredentials& credentials,
                                    const SigV4Scope& scope, system_clock::time_point now,
                                    const SigV4Options& options) {
  auto prepared = Prepare(request, credentials, now, options);
  if (!prepared) return tl::unexpected(prepared.error());
  return Sign(*prepared, credentials, scope);
}

Result<HttpRequest> SignV4(HttpRequest request, const AwsCredentials& credentials,
                           const SigV4Scope& scope, system_clock::time_point now,
                           const SigV4Options& options) {
  auto prepared = Prepare(std::move(request), credentials, now, options);
  if (!prepared) return tl::unexpected(prepared.error());
  const SigV4Signature signature = Sign(*prepared, credentials, scope);
  prepared->request.headers.emplace_back("Authorization", signature.authorization);
  return std::move(prepared->request);
}

std::string SigV4CredentialScope(std::string_view date, const SigV4Scope& scope) {
  return fmt::format("{}/{}/{}/aws4_request", date, scope.region, scope.service);
}

std::string SigV4SigningKey(const SecretString& secret, std::string_view date,
                            const SigV4Scope& scope) {
  const std::string date_key = HmacSha256("AWS4" + secret.Reveal(), date);
  const std::string region_key = HmacSha256(date_key, scope.region);
  const std::string service_key = HmacSha256(region_key, scope.service);
  return HmacSha256(service_key, "aws4_request");
}

std::string SigV4SignatureOf(const SigV4SignedRequest& request, const SecretString& secret,
                             const SigV4Scope& scope) {
  std::string canonical_headers;
  std::string signed_headers;
  CanonicalHeaders(
      request.headers,
      [&](const std::string& name) {
        return std::find(request.signed_headers.begin(), request.signed_headers.end(), name) !=
               request.signed_headers.end();
      },
      &canonical_headers, &signed_headers);
  const std::string canonical_request = fmt::format(
      "{}\n{}\n{}\n{}\n{}\n{}", UpperMethod(request.method),
      CanonicalUri(request.path.empty() ? "/" : request.path, scope), CanonicalQuery(request.query),
      canonical_headers, signed_headers, request.payload_hash);
  const std::string signing_key =
      SigV4SigningKey(secret, std::string_view(request.amz_date).substr(0, 8), scope);
  return HexEncode(
      HmacSha256(signing_key, StringToSign(request.amz_date, scope, canonical_request)));
}

// The hash of an empty string, which stands for the (absent) chunk headers
// in every chunk's string to sign.
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string SigV4ChunkSignature(std::string_view signing_key, std::string_view amz_date,
                                std::string_view credential_scope,
                                std::string_view previous_signature, std::string_view chunk_data) {
  const std::string string_to_sign =
      fmt::format("AWS4-HMAC-SHA256-PAYLOAD\n{}\n{}\n{}\n{}\n{}", amz_date, credential_scope,
                  previous_signature, kEmptySha256, Sha256Hex(chunk_data));
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

std::string SigV4TrailerSignature(std::string_view signing_key, std::string_view amz_date,
                                  std::string_view credential_scope,
                                  std::string_view previous_signature, std::string_view trailer) {
  const std::string string_to_sign =
      fmt::format("AWS4-HMAC-SHA256-TRAILER\n{}\n{}\n{}\n{}", amz_date, credential_scope,
                  previous_signature, Sha256Hex(trailer));
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

}  // namespace audex
