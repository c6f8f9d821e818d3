// NetworkBinding: the networks an AWS session's credentials may be used
// from — source IP ranges, VPCs, VPC endpoints — and the Deny statement
// that makes a leaked copy useless anywhere else (config.toml's [network]
// table, --source-ip). Also the IP ranges themselves, which the policy
// evaluator matches aws:SourceIp against.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/policy/policy_document.h"

namespace audex {

// An IPv4 or IPv6 range in CIDR notation; a bare address is one address.
struct IpRange {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  int prefix = 0;

  // "203.0.113.0/24", "2001:db8::/32": the canonical text (lower-case,
  // shortest IPv6 form, always with the prefix).
  std::string ToString() const;
  // Whether `address` (a bare address of either family) lies inside.
  bool Contains(std::string_view address) const;
};

// Parses "203.0.113.0/24", "2001:db8::/32" or a bare address ("/32" or
// "/128"). Errors say what is wrong and give the fix: a prefix too long, bits
// set beyond the prefix (with the range meant), a value that is no address.
// `where` prefixes messages ("--source-ip", "config.toml:7: allowed_ips").
Result<IpRange> ParseIpRange(std::string_view text, std::string_view where);

struct NetworkBinding {
  std::vector<std::string> ips;            // canonical CIDRs (IpRange::ToString)
  std::vector<std::string> vpcs;           // "vpc-0a1b2c3d"
  std::vector<std::string> vpc_endpoints;  // "vpce-0a1b2c3d4e5f60718"
  std::string source;                      // "--source-ip", "[network] in FILE"

  bool empty() const { return ips.empty() && vpcs.empty() && vpc_endpoints.empty(); }
};

// One entry of allowed_ips or --source-ip, checked and made canonical.
// 0.0.0.0/0 and ::/0 are refused: they bind nothing.
Result<std::string> CheckAllowedIp(std::string_view entry, std::string_view where);
// One entry of allowed_vpcs ("vpc-" and 8 or 17 hex digits) or of
// allowed_vpc_endpoints ("vpce-" and the same).
Result<std::string> CheckAllowedVpc(std::string_view entry, std::string_view where);
Result<std::string> CheckAllowedVpcEndpoint(std::string_view entry, std::string_view where);

// --source-ip LIST: comma-separated addresses and CIDRs (kUsage errors
// naming the flag and the entry).
Result<NetworkBinding> ParseSourceIpList(std::string_view list);

// The statement that denies every action to requests from outside the
// binding, as AWS's data-perimeter examples write it:
//   Deny * on * when  NotIpAddressIfExists    aws:SourceIp   ips
//                and  StringNotEqualsIfExists aws:SourceVpc  vpcs,
//                                             aws:SourceVpce endpoints
//                and  BoolIfExists            aws:ViaAWSService false
// A request over the internet carries aws:SourceIp and no VPC keys; one
// through a VPC endpoint carries aws:SourceVpc and aws:SourceVpce and no
// aws:SourceIp (IAM User Guide, "AWS global condition context keys"). With
// IfExists an absent key counts as "not among the allowed", so the request
// is denied unless it matches one of the lists; a list left out of the
// binding is left out of the statement. AWS services calling with the
// session's credentials on its behalf (aws:ViaAWSService) are exempt.
Statement NetworkDenyStatement(const NetworkBinding& binding);

// "203.0.113.0/24, vpc-0a1b2c3d", for plans and messages.
std::string DescribeNetworkBinding(const NetworkBinding& binding);

// Warnings for ranges AWS never sees as aws:SourceIp (private, loopback,
// link-local, shared address space): requests from there reach AWS from a
// public address or through a VPC endpoint, so such an entry admits nothing
// at AWS (a local emulator does see them).
std::vector<std::string> NetworkBindingWarnings(const NetworkBinding& binding);

}  // namespace audex
