#include "core/credentials/azure_identity.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/base/text.h"

namespace audex {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

// Expiry values beyond these are nonsense, and later ones would overflow the
// clock's 64-bit nanosecond count (which ends in 2262): epoch seconds before
// 2200-01-01 (as ParseRfc3339 bounds its years), lifetimes up to a year.
constexpr int kMaxYear = 2199;
constexpr long long kMaxEpochSeconds = 7258118399;
constexpr long long kMaxLifetimeSeconds = 366LL * 24 * 3600;

std::optional<TimePoint> FromEpoch(long long seconds) {
  if (seconds < 0 || seconds > kMaxEpochSeconds) return std::nullopt;
  return TimePoint(std::chrono::seconds(seconds));
}

std::optional<TimePoint> AfterNow(TimePoint now, long long seconds) {
  if (seconds < 0 || seconds > kMaxLifetimeSeconds) return std::nullopt;
  return now + std::chrono::seconds(seconds);
}

std::optional<long long> ParseInteger(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "11/05/2021 15:18:31 +00:00" (App Service 2017-09-01; always UTC there).
// Uses the C++20 civil calendar, so 02/31 is refused rather than normalised
// by timegm into March.
std::optional<TimePoint> ParseAppServiceTime(std::string_view text) {
  int month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0;
  char sign = '+';
  int offset_hours = 0, offset_minutes = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%d/%d/%d %d:%d:%d %c%d:%d", &month, &day, &year, &hour, &minute,
                  &second, &sign, &offset_hours, &offset_minutes) != 9) {
    return std::nullopt;
  }
  if (year < 1970 || year > kMaxYear || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 ||
      (sign != '+' && sign != '-') || offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 ||
      offset_minutes > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const auto offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
  const auto local = std::chrono::sys_days(date) + std::chrono::hours(hour) +
                     std::chrono::minutes(minute) + std::chrono::seconds(second);
  const auto utc = sign == '-' ? local + offset : local - offset;
  return std::chrono::time_point_cast<TimePoint::duration>(utc);
}

std::string Base64UrlDecode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned int buffer = 0;
  int bits = 0;
  for (char c : text) {
    const size_t index = kAlphabet.find(c == '+' ? '-' : c == '/' ? '_' : c);
    if (index == std::string_view::npos) break;
    buffer = (buffer << 6) | static_cast<unsigned int>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

Result<AzureCloud> ResolveAzureCloud(const std::optional<std::string>& cloud,
                                     const std::optional<std::string>& authority_host) {
  const std::string name = ToLower(cloud.value_or("AzureCloud"));
  AzureCloud resolved;
  if (name.empty() || name == "azurecloud" || name == "azurepubliccloud" || name == "public") {
    resolved = {"AzureCloud", "https://login.microsoftonline.com", "https://management.azure.com/"};
  } else if (name == "azureusgovernment" || name == "azureusgovernmentcloud" ||
             name == "usgovernment") {
    resolved = {"AzureUSGovernment", "https://login.microsoftonline.us",
                "https://management.usgovcloudapi.net/"};
  } else if (name == "azurechinacloud" || name == "china") {
    resolved = {"AzureChinaCloud", "https://login.chinacloudapi.cn",
                "https://management.chinacloudapi.cn/"};
  } else {
    return UsageError(fmt::format(
        "AZURE_CLOUD=\"{}\" is not a cloud Audex knows: use AzureCloud, AzureUSGovernment or "
        "AzureChinaCloud (set AZURE_AUTHORITY_HOST for a private authority)",
        *cloud));
  }
  if (authority_host && !authority_host->empty()) {
    resolved.authority_host = *authority_host;
    while (!resolved.authority_host.empty() && resolved.authority_host.back() == '/') {
      resolved.authority_host.pop_back();
    }
  }
  return resolved;
}

std::optional<TimePoint> AzureTokenExpiry(const nlohmann::json& reply, TimePoint now) {
  if (!reply.is_object()) return std::nullopt;
  if (auto it = reply.find("expires_on"); it != reply.end()) {
    if (it->is_number_integer()) return FromEpoch(it->get<long long>());
    if (it->is_string()) {
      const std::string text = it->get<std::string>();
      if (auto epoch = ParseInteger(text)) return FromEpoch(*epoch);
      if (auto time = ParseAppServiceTime(text)) return time;
    }
  }
  if (auto it = reply.find("expires_in"); it != reply.end()) {
    if (it->is_number_integer()) return AfterNow(now, it->get<long long>());
    if (it->is_string()) {
      if (auto seconds = ParseInteger(it->get<std::string>())) return AfterNow(now, *seconds);
    }
  }
  return std::nullopt;
}

std::optional<std::string> JwtTenantId(std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const nlohmann::json claims = nlohmann::json::parse(
      Base64UrlDecode(token.substr(first + 1, second - first - 1)), nullptr, false);
  if (!claims.is_object() || !claims.contains("tid") || !claims["tid"].is_string()) {
    return std::nullopt;
  }
  return claims["tid"].get<std::string>();
}

std::string AzureCliProfileJson(const std::string& subscription_id, const std::string& tenant_id,
                                const std::string& cloud_name) {
  nlohmann::ordered_json subscription;
  subscription["id"] = subscription_id;
  subscription["name"] = "audex-session";
  subscription["state"] = "Enabled";
  subscription["user"] = {{"name", "systemAssignedIdentity"},
                          {"type", "servicePrincipal"},
                          {"assignedIdentityInfo", "MSI"}};
  subscription["isDefault"] = true;
  subscription["tenantId"] = tenant_id;
  subscription["environmentName"] = cloud_name;
  subscription["homeTenantId"] = tenant_id;
  subscription["managedByTenants"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json profile;
  profile["subscriptions"] = nlohmann::ordered_json::array({subscription});
  return profile.dump(2);
}

Result<AzureTarget> ResolveAzureTarget(const EnvLookup& env, const UserConfig& config) {
  auto cloud = ResolveAzureCloud(env("AZURE_CLOUD"), env("AZURE_AUTHORITY_HOST"));
  if (!cloud) return tl::unexpected(cloud.error());
  AzureTarget target;
  target.cloud = std::move(*cloud);
  target.subscription_id = NonEmptyVariable(env, "AZURE_SUBSCRIPTION_ID")
                               .value_or(config.azure_subscription_id.value_or(""));
  return target;
}

}  // namespace audex
