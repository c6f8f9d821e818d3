// SecretString: a credential, token or key. It prints as "****" and has no
// implicit conversion to text, so a secret cannot slip into a log, a session
// file, an audit line or an error message by accident; Reveal() is the one
// door, used only where the secret must go (a signature, a child's
// environment, an HTTP header).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace audex {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}

  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  size_t size() const { return value_.size(); }

  friend bool operator==(const SecretString& a, const SecretString& b) {
    return a.value_ == b.value_;
  }
  friend std::ostream& operator<<(std::ostream& out, const SecretString&) { return out << "****"; }

 private:
  std::string value_;
};

// `text` with every occurrence of each secret replaced by "****". When
// `cut_short` (the text is the first part of something longer), a tail
// that is the beginning of a secret (4 characters or more) is replaced
// too: the rest of the secret was cut off, not absent. For output that
// goes where secrets must not (an MCP client).
std::string RedactSecrets(std::string text, const std::vector<const SecretString*>& secrets,
                          bool cut_short);

}  // namespace audex
