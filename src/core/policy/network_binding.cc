// Network bindings and IP ranges (network_binding.h).
#include "core/policy/network_binding.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/base/text.h"

namespace audex {
namespace {

// inet_pton and inet_ntop are pure conversions (no I/O), so core may use
// them rather than parse addresses by hand.
bool ParseAddress(std::string_view text, bool v6, std::array<uint8_t, 16>& bytes) {
  const std::string copy(text);
  bytes.fill(0);
  return ::inet_pton(v6 ? AF_INET6 : AF_INET, copy.c_str(), bytes.data()) == 1;
}

int BitCount(bool v6) { return v6 ? 128 : 32; }

bool BitSet(const std::array<uint8_t, 16>& bytes, int bit) {
  return (bytes[static_cast<size_t>(bit / 8)] >> (7 - bit % 8)) & 1;
}

// `bytes` with every bit from `prefix` on cleared.
std::array<uint8_t, 16> Masked(std::array<uint8_t, 16> bytes, int prefix) {
  for (int bit = prefix; bit < 128; ++bit) {
    bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(1u << (7 - bit % 8)));
  }
  return bytes;
}

bool SamePrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    if (BitSet(a, bit) != BitSet(b, bit)) return false;
  }
  return true;
}

// AWS IDs: the prefix and 8 (older) or 17 (newer) lower-case hex digits.
bool IsAwsId(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  const std::string_view digits = text.substr(prefix.size());
  return (digits.size() == 8 || digits.size() == 17) &&
         std::all_of(digits.begin(), digits.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Ranges that never appear as aws:SourceIp at AWS (RFC 1918, RFC 6598's
// shared space, loopback, link-local; RFC 4193 and RFC 4291 for IPv6).
constexpr const char* kNonPublicRanges[] = {
    "10.0.0.0/8",     "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "fc00::/7",      "fe80::/10",      "::1/128",
};

bool Within(const IpRange& inner, const IpRange& outer) {
  return inner.v6 == outer.v6 && inner.prefix >= outer.prefix &&
         SamePrefix(inner.bytes, outer.bytes, outer.prefix);
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

}  // namespace

std::string IpRange::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return fmt::format("{}/{}", text, prefix);
}

bool IpRange::Contains(std::string_view address) const {
  std::array<uint8_t, 16> parsed{};
  if (!ParseAddress(address, v6, parsed)) return false;
  return SamePrefix(parsed, bytes, prefix);
}

Result<IpRange> ParseIpRange(std::string_view text, std::string_view where) {
  const size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  IpRange range;
  range.v6 = address.find(':') != std::string_view::npos;
  if (!ParseAddress(address, range.v6, range.bytes)) {
    return UsageError(
        fmt::format("{}: \"{}\" is not an IP address or CIDR range; write one like 203.0.113.0/24, "
                    "203.0.113.7 or 2001:db8::/32",
                    where, text));
  }
  range.prefix = BitCount(range.v6);
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        prefix < 0 || prefix > BitCount(range.v6)) {
      return UsageError(fmt::format(
          "{}: \"{}\" has no valid prefix length after '/'; an IPv{} prefix is 0 to {}, as in "
          "{}/{}",
          where, text, range.v6 ? 6 : 4, BitCount(range.v6), address, range.v6 ? 64 : 24));
    }
    range.prefix = prefix;
  }
  if (const auto masked = Masked(range.bytes, range.prefix); masked != range.bytes) {
    // IAM would take it, but 203.0.113.7/24 usually means "this host",
    // and it admits the whole /24: say which one it is.
    IpRange meant = range;
    meant.bytes = masked;
    return UsageError(
        fmt::format("{}: \"{}\" has address bits set beyond its /{} prefix; write the range "
                    "{}, or the single address {}/{}",
                    where, text, range.prefix, meant.ToString(), address, BitCount(range.v6)));
  }
  return range;
}

Result<std::string> CheckAllowedIp(std::string_view entry, std::string_view where) {
  if (entry.starts_with("vpc-") || entry.starts_with("vpce-")) {
    return UsageError(
        fmt::format("{}: \"{}\" is a VPC{} id, not an IP range; list it under {} in config.toml's "
                    "[network] table",
                    where, entry, entry.starts_with("vpce-") ? " endpoint" : "",
                    entry.starts_with("vpce-") ? "allowed_vpc_endpoints" : "allowed_vpcs"));
  }
  auto range = ParseIpRange(entry, where);
  if (!range) return tl::unexpected(range.error());
  if (range->prefix == 0) {
    return UsageError(fmt::format(
        "{}: \"{}\" is every {} address, so it binds the session to nothing; list the "
        "addresses your requests come from (e.g. 203.0.113.0/24), or leave the binding out",
        where, entry, range->v6 ? "IPv6" : "IPv4"));
  }
  return range->ToString();
}

Result<std::string> CheckAllowedVpc(std::string_view entry, std::string_view where) {
  if (!IsAwsId(entry, "vpc-")) {
    return UsageError(fmt::format(
        "{}: \"{}\" is not a VPC id; write one like vpc-0a1b2c3d or vpc-0a1b2c3d4e5f60718 "
        "(aws ec2 describe-vpcs lists them)",
        where, entry));
  }
  return std::string(entry);
}

Result<std::string> CheckAllowedVpcEndpoint(std::string_view entry, std::string_view where) {
  if (!IsAwsId(entry, "vpce-")) {
    return UsageError(
        fmt::format("{}: \"{}\" is not a VPC endpoint id; write one like vpce-0a1b2c3d4e5f60718 "
                    "(aws ec2 describe-vpc-endpoints lists them)",
                    where, entry));
  }
  return std::string(entry);
}

Result<NetworkBinding> ParseSourceIpList(std::string_view list) {
  NetworkBinding binding;
  binding.source = "--source-ip";
  const std::vector<std::string> entries = SplitCommaList(list);
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& entry = entries[i];
    if (entry.empty()) {
      return UsageError(fmt::format(
          "--source-ip: entry {} is empty; give comma-separated addresses or CIDR ranges, e.g. "
          "--source-ip 203.0.113.0/24,2001:db8::/32",
          i + 1));
    }
    if (entry.starts_with("vpc-") || entry.starts_with("vpce-")) {
      return UsageError(fmt::format(
          "--source-ip takes IP addresses and CIDR ranges, and \"{}\" is a VPC{} id; put it in "
          "config.toml's [network] table as {} = [\"{}\"]",
          entry, entry.starts_with("vpce-") ? " endpoint" : "",
          entry.starts_with("vpce-") ? "allowed_vpc_endpoints" : "allowed_vpcs", entry));
    }
    auto checked = CheckAllowedIp(entry, "--source-ip");
    if (!checked) return tl::unexpected(checked.error());
    AddUnique(binding.ips, std::move(*checked));
  }
  return binding;
}

Statement NetworkDenyStatement(const NetworkBinding& binding) {
  Statement deny;
  deny.effect = Effect::kDeny;
  deny.actions = {"*"};
  deny.resources = {"*"};
  deny.has_condition = true;
  if (!binding.ips.empty()) {
    deny.conditions.push_back({"NotIpAddressIfExists", "aws:SourceIp", binding.ips});
  }
  if (!binding.vpcs.empty()) {
    deny.conditions.push_back({"StringNotEqualsIfExists", "aws:SourceVpc", binding.vpcs});
  }
  if (!binding.vpc_endpoints.empty()) {
    deny.conditions.push_back({"StringNotEqualsIfExists", "aws:SourceVpce", binding.vpc_endpoints});
  }
  deny.conditions.push_back({"BoolIfExists", "aws:ViaAWSService", {"false"}});
  return deny;
}

std::string DescribeNetworkBinding(const NetworkBinding& binding) {
  std::vector<std::string> parts = binding.ips;
  parts.insert(parts.end(), binding.vpcs.begin(), binding.vpcs.end());
  parts.insert(parts.end(), binding.vpc_endpoints.begin(), binding.vpc_endpoints.end());
  return Join(parts, ", ");
}

std::vector<std::string> NetworkBindingWarnings(const NetworkBinding& binding) {
  std::vector<std::string> warnings;
  for (const std::string& entry : binding.ips) {
    auto range = ParseIpRange(entry, binding.source);
    if (!range) continue;
    for (const char* block : kNonPublicRanges) {
      if (!Within(*range, *ParseIpRange(block, ""))) continue;
      warnings.push_back(fmt::format(
          "{} in {} is inside {}, which AWS never sees as a request's source address (such "
          "requests arrive from a public address, or through a VPC endpoint without one); "
          "list the public address or the VPC instead",
          entry, binding.source, block));
      break;
    }
  }
  return warnings;
}

}  // namespace audex
