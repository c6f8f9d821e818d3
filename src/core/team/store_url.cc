// Parsing and redacting the team store's URL (store_url.h).
#include "core/team/store_url.h"

#include <fmt/format.h>

namespace audex {
namespace {

constexpr std::string_view kForms =
    "use sqlite:///ABSOLUTE/PATH, a plain file path, or postgresql://USER@HOST:PORT/DATABASE";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string RedactStoreUrl(std::string_view url) {
  std::string text(url);
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) return text;
  const size_t authority = scheme_end + 3;
  const size_t authority_end = text.find_first_of("/?", authority);
  const size_t at =
      text.rfind('@', authority_end == std::string::npos ? text.size() : authority_end);
  if (at != std::string::npos && at >= authority) {
    const size_t colon = text.find(':', authority);
    if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "****");
  }
  // libpq also takes the password as a query parameter.
  for (size_t from = text.find('?'); from != std::string::npos;) {
    const size_t key = from + 1;
    if (text.compare(key, 9, "password=") == 0) {
      const size_t value = key + 9;
      const size_t end = text.find('&', value);
      text.replace(value, (end == std::string::npos ? text.size() : end) - value, "****");
    }
    from = text.find('&', key);
  }
  return text;
}

Result<StoreUrl> ParseStoreUrl(std::string_view text) {
  if (text.empty()) return UsageError(fmt::format("the store is empty; {}", kForms));
  StoreUrl url;
  url.display = RedactStoreUrl(text);
  if (StartsWith(text, "postgresql://") || StartsWith(text, "postgres://")) {
    url.backend = StoreBackend::kPostgres;
    url.postgres_url = SecretString(std::string(text));
    return url;
  }
  if (StartsWith(text, "sqlite:")) {
    std::string_view rest = text.substr(7);
    if (StartsWith(rest, "//")) {
      rest.remove_prefix(2);
      if (!StartsWith(rest, "/")) {
        return UsageError(fmt::format(
            "store \"{}\" names a host; an SQLite store is a local file: {}", url.display, kForms));
      }
    }
    if (rest.empty()) {
      return UsageError(fmt::format("store \"{}\" names no file; {}", url.display, kForms));
    }
    url.sqlite_path = std::string(rest);
    return url;
  }
  if (text.find("://") != std::string_view::npos) {
    return UsageError(
        fmt::format("store \"{}\" has a scheme Audex does not know; {}", url.display, kForms));
  }
  url.sqlite_path = std::string(text);
  return url;
}

}  // namespace audex
