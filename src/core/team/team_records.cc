// Names, token spelling and checks for the team store's records (team_records.h).
#include "core/team/team_records.h"

#include <fmt/format.h>

#include "core/base/crypto.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

// A name table for an enum whose values run 0..N-1 in declaration order.
template <typename Enum, size_t N>
std::optional<Enum> ParseName(const std::string_view (&names)[N], std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::string_view kGrantStatusNames[] = {
    "issuing", "issued", "pending_approval", "denied", "revoked", "expired", "failed"};
constexpr std::string_view kApprovalStatusNames[] = {"pending", "approved", "denied", "expired",
                                                     "cancelled"};
constexpr std::string_view kRevocationScopeNames[] = {"grant", "caller"};

}  // namespace

SecretString ApiTokenFromRandom(std::string_view random_bytes) {
  std::string bytes(random_bytes.substr(0, kApiTokenRandomBytes));
  bytes.resize(kApiTokenRandomBytes, '\0');
  return SecretString(std::string(kApiTokenPrefix) + HexEncode(bytes));
}

bool LooksLikeApiToken(std::string_view text) {
  if (text.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix) return false;
  const std::string_view digits = text.substr(kApiTokenPrefix.size());
  return digits.size() == 2 * kApiTokenRandomBytes &&
         digits.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string ApiTokenHash(const SecretString& token) { return Sha256Hex(token.Reveal()); }

Result<void> CheckApiTokenUsable(const ApiToken& token, TimePoint now) {
  if (token.revoked_at) {
    return CredentialsError(
        fmt::format("API token \"{}\" ({}) was revoked at {}; ask for a new one", token.name,
                    token.id, FormatRfc3339(*token.revoked_at)));
  }
  if (token.expires_at && *token.expires_at <= now) {
    return CredentialsError(fmt::format("API token \"{}\" ({}) expired at {}; ask for a new one",
                                        token.name, token.id, FormatRfc3339(*token.expires_at)));
  }
  return {};
}

std::string_view GrantStatusName(GrantStatus status) {
  return kGrantStatusNames[static_cast<size_t>(status)];
}
std::optional<GrantStatus> ParseGrantStatus(std::string_view text) {
  return ParseName<GrantStatus>(kGrantStatusNames, text);
}

std::string_view ApprovalStatusName(ApprovalStatus status) {
  return kApprovalStatusNames[static_cast<size_t>(status)];
}
std::optional<ApprovalStatus> ParseApprovalStatus(std::string_view text) {
  return ParseName<ApprovalStatus>(kApprovalStatusNames, text);
}

std::string_view RevocationScopeName(RevocationScope scope) {
  return kRevocationScopeNames[static_cast<size_t>(scope)];
}
std::optional<RevocationScope> ParseRevocationScope(std::string_view text) {
  return ParseName<RevocationScope>(kRevocationScopeNames, text);
}

int64_t UnixSeconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

TimePoint FromUnixSeconds(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

}  // namespace audex
