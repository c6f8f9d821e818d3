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

}  // namespace audex
