// Reading what a client sent: the fields of a form body, as a server
// decodes them.
#pragma once

#include <map>
#include <string>

#include "core/wire/url.h"

namespace audex {

// The fields of an application/x-www-form-urlencoded body (what a client
// sent), decoded the way a server does.
inline std::map<std::string, std::string> DecodeForm(const std::string& body) {
  std::map<std::string, std::string> fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    const size_t equals = pair.find('=');
    fields[PercentDecode(pair.substr(0, equals))] = PercentDecode(pair.substr(equals + 1));
    start = end + 1;
  }
  return fields;
}

}  // namespace audex
