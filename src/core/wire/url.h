// URLs as HTTP clients and SigV4 see them: an absolute http(s) URL split into
// scheme, host, port, path and query, plus the percent-encoding rules AWS
// signs with.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace audex {

struct Url {
  std::string scheme;  // "http" or "https", lower-cased
  std::string host;    // lower-cased; an IPv6 literal keeps its brackets
  std::optional<int> port;
  std::string path;   // as written (already percent-encoded), "/" when empty
  std::string query;  // after '?', without the fragment; may be empty
};

// Parses an absolute http:// or https:// URL. User info ("user:pass@") is
// refused: it would be a credential in a URL, and SigV4 does not sign it.
// Errors are kUsage and quote the URL.
Result<Url> ParseUrl(std::string_view text);

// The Host header for `url`: host, plus ":port" unless it is the scheme's
// default (what curl sends and what botocore signs).
std::string HostHeaderValue(const Url& url);

// "scheme://host[:port]" of `url`.
std::string Origin(const Url& url);

// SigV4's URI encoding: unreserved characters (A-Z a-z 0-9 - _ . ~) are kept,
// every other byte becomes %XX with upper-case hex; a space is %20, never
// '+'. With keep_slash, '/' is kept too (for paths).
std::string UriEncode(std::string_view text, bool keep_slash = false);

// Decodes %XX escapes. A malformed escape is kept as written, and '+' stays
// '+': SigV4 query strings do not use the form convention of '+' for space.
std::string PercentDecode(std::string_view text);

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// "k1=v1&k2=v2" with UriEncode on every name and value, in the given order.
// Used for STS form bodies: Ceph radosgw does not decode '+' as a space, so
// spaces in a session policy must travel as %20 (cloud-facts.md, STS).
std::string FormEncode(const QueryParameters& parameters);

}  // namespace audex
