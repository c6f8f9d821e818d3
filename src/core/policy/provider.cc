#include "core/policy/provider.h"

#include <fmt/format.h>

#include "core/base/text.h"

namespace audex {

std::string_view ProviderName(Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return "aws";
    case Provider::kGcp:
      return "gcp";
    case Provider::kAzure:
      return "azure";
  }
  return "aws";
}

std::optional<Provider> ParseProvider(std::string_view text) {
  for (Provider provider : kAllProviders) {
    if (EqualsIgnoreCase(text, ProviderName(provider))) return provider;
  }
  return std::nullopt;
}

Result<Provider> ParseProviderOption(std::string_view text, std::string_view where) {
  if (const auto provider = ParseProvider(text)) return *provider;
  return UsageError(fmt::format("{} \"{}\" is not aws, gcp or azure", where, text));
}

}  // namespace audex
