#include "core/provider.h"

#include "core/text.h"

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

}  // namespace audex
