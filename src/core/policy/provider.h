// Provider: the cloud a request is for. Each has its own permission syntax.
#pragma once

#include <optional>
#include <string_view>

#include "core/base/result.h"

namespace audex {

enum class Provider { kAws, kGcp, kAzure };

inline constexpr Provider kAllProviders[] = {Provider::kAws, Provider::kGcp, Provider::kAzure};

std::string_view ProviderName(Provider provider);

// "aws", "gcp", "azure", compared case-insensitively; nullopt otherwise.
std::optional<Provider> ParseProvider(std::string_view text);

// ParseProvider with the usage error users see: `where` names the source
// ("--provider", "/home/u/.config/audex/config.toml:3: provider").
Result<Provider> ParseProviderOption(std::string_view text, std::string_view where);

}  // namespace audex
