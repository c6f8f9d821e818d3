// Access levels: the five classes the AWS Service Authorization Reference puts
// every action in (List, Read, Write, Tagging, Permissions management), and
// the `@level` selectors that name them in a pattern such as "s3:@read".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace audex {

// The bit values are part of the generated table format (catalog_tables.h).
enum class AccessLevel : uint8_t {
  kList = 1 << 0,
  kRead = 1 << 1,
  kWrite = 1 << 2,
  kTagging = 1 << 3,
  kPermissionsManagement = 1 << 4,
};

inline constexpr AccessLevel kAllAccessLevels[] = {AccessLevel::kList, AccessLevel::kRead,
                                                   AccessLevel::kWrite, AccessLevel::kTagging,
                                                   AccessLevel::kPermissionsManagement};

// An action may sit at several levels at once ("Tagging, Write").
class AccessLevelSet {
 public:
  constexpr AccessLevelSet() = default;
  constexpr AccessLevelSet(AccessLevel level) : bits_(static_cast<uint8_t>(level)) {}  // NOLINT
  static constexpr AccessLevelSet FromBits(uint8_t bits) {
    AccessLevelSet set;
    set.bits_ = bits & kMask;
    return set;
  }

  constexpr bool Contains(AccessLevel level) const {
    return (bits_ & static_cast<uint8_t>(level)) != 0;
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint8_t bits() const { return bits_; }
  constexpr AccessLevelSet operator|(AccessLevelSet other) const {
    return FromBits(bits_ | other.bits_);
  }
  constexpr bool operator==(const AccessLevelSet&) const = default;

 private:
  static constexpr uint8_t kMask = 0x1f;
  uint8_t bits_ = 0;
};

constexpr AccessLevelSet operator|(AccessLevel a, AccessLevel b) {
  return AccessLevelSet(a) | AccessLevelSet(b);
}

// "List", "Read", "Write", "Tagging", "Permissions management": the
// reference's own words, as the catalog data spells them.
std::string_view AccessLevelName(AccessLevel level);

// "Read, Write" for display; "" for an empty set.
std::string FormatAccessLevels(AccessLevelSet levels);

// The level a reference name denotes ("Permissions management"), compared
// case-insensitively; nullopt for anything else.
std::optional<AccessLevel> ParseAccessLevelName(std::string_view name);

// The short selector word after '@': "list", "read", "write", "tagging",
// "permissions" (case-insensitive).
std::string_view AccessLevelSelector(AccessLevel level);
std::optional<AccessLevel> ParseAccessLevelSelector(std::string_view word);

}  // namespace audex
