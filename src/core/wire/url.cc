// URL splitting and percent-encoding for HTTP requests Audex signs and sends.
#include "core/wire/url.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/base/text.h"

namespace audex {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A URL's user information (user:password@) may be a credential: a
// message quotes the URL with it masked.
std::string WithoutUserInfo(std::string_view text) {
  std::string shown(text);
  const size_t scheme_end = shown.find("://");
  const size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t authority_end = std::min(shown.find_first_of("/?#", start), shown.size());
  const size_t at = shown.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string::npos && at >= start && at < authority_end) {
    shown.replace(start, at - start, "****");
  }
  return shown;
}

tl::unexpected<Error> BadUrl(std::string_view text, std::string_view why) {
  return UsageError(fmt::format("invalid URL \"{}\": {}", WithoutUserInfo(text), why));
}

}  // namespace

Result<Url> ParseUrl(std::string_view text) {
  Url url;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return BadUrl(text, "expected http://HOST[:PORT][/PATH] or https://...");
  }
  url.scheme = ToLower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    return BadUrl(text, "the scheme must be http or https");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (const size_t fragment = rest.find('#'); fragment != std::string_view::npos) {
    rest = rest.substr(0, fragment);
  }
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view path_and_query =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl(text, "user information in a URL is not supported");
  }

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(text, "unterminated IPv6 address");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl(text, "unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return BadUrl(text, "the host is missing");
  url.host = ToLower(host);
  if (!port.empty()) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return BadUrl(text, "the port must be a number from 1 to 65535");
    }
    url.port = value;
  }

  const size_t query_start = path_and_query.find('?');
  const std::string_view path = path_and_query.substr(0, query_start);
  // Assigning a literal to the member here trips GCC 12's -Wrestrict false
  // positive (GCC bug 105329), hence the construction from a view.
  url.path = std::string(path.empty() ? std::string_view("/") : path);
  if (query_start != std::string_view::npos) {
    url.query = std::string(path_and_query.substr(query_start + 1));
  }
  return url;
}

std::string HostHeaderValue(const Url& url) {
  const int default_port = url.scheme == "https" ? 443 : 80;
  if (!url.port || *url.port == default_port) return url.host;
  return fmt::format("{}:{}", url.host, *url.port);
}

std::string Origin(const Url& url) {
  if (!url.port) return fmt::format("{}://{}", url.scheme, url.host);
  return fmt::format("{}://{}:{}", url.scheme, url.host, *url.port);
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const unsigned char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0x0f]);
    }
  }
  return encoded;
}

std::string PercentDecode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        decoded.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    decoded.push_back(text[i]);
  }
  return decoded;
}

std::string FormEncode(const QueryParameters& parameters) {
  std::string body;
  for (const auto& [name, value] : parameters) {
    if (!body.empty()) body.push_back('&');
    body += UriEncode(name);
    body.push_back('=');
    body += UriEncode(value);
  }
  return body;
}

}  // namespace audex
