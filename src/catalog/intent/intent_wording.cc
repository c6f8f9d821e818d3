#include "catalog/intent/intent_wording.h"

#include <fmt/format.h>

#include "catalog/intent/intent_words.h"
#include "core/intent/offline_vocabulary.h"

namespace audex::offline_intent {

std::string ServiceWording::DefaultType(std::string_view service) const {
  if (std::string_view type = audex::offline_intent::DefaultType(service); !type.empty()) {
    return std::string(type);
  }
  const std::vector<ResourceFormat> formats = formats_.OfService(service);
  return formats.size() == 1 ? std::string(formats.front().name) : std::string();
}

std::string ServiceWording::ShortName(std::string_view service) const {
  if (std::string_view name = ShortServiceName(service); !name.empty()) {
    return std::string(name);
  }
  if (const auto info = catalog_.FindService(service); info && !info->title.empty()) {
    std::string title(info->title);
    if (const size_t paren = title.find(" ("); paren != std::string::npos) title.resize(paren);
    for (std::string_view head : {"Amazon ", "AWS "}) {
      if (title.starts_with(head)) title.erase(0, head.size());
    }
    return title;
  }
  return std::string(service);
}

std::string ServiceWording::NounOf(std::string_view service, std::string_view type) const {
  if (type.empty()) return {};
  if (const auto format = formats_.Find(service, type)) return format->noun;
  return std::string(type);
}

std::string ServiceWording::Things(std::string_view service, std::string_view type) const {
  const ServicePhrases* phrases = FindServicePhrases(service);
  if (provider_ == Provider::kGcp && phrases != nullptr) return std::string(phrases->gcp);
  if (provider_ == Provider::kAzure && phrases != nullptr) return std::string(phrases->azure);
  if (phrases != nullptr && (type.empty() || SameType(type, DefaultType(service)))) {
    return std::string(phrases->aws);
  }
  const std::string noun = NounOf(service, type.empty() ? DefaultType(service) : type);
  if (noun.empty()) return ShortName(service);
  return fmt::format("{} {}{}", ShortName(service), noun,
                     noun.ends_with("s") ? "es" : (noun.ends_with("y") ? "" : "s"));
}

std::string ServiceWording::NamedOne(std::string_view service, std::string_view type) const {
  const ServicePhrases* phrases = FindServicePhrases(service);
  if (phrases != nullptr && (type.empty() || SameType(type, DefaultType(service)))) {
    return std::string(phrases->named_one);
  }
  return fmt::format("a specific {} {}", ShortName(service),
                     NounOf(service, type.empty() ? DefaultType(service) : type));
}

std::string ServiceWording::NamedMany(std::string_view service, std::string_view type) const {
  const ServicePhrases* phrases = FindServicePhrases(service);
  if (phrases != nullptr && (type.empty() || SameType(type, DefaultType(service)))) {
    return std::string(phrases->named_many);
  }
  return fmt::format("specific {} {}s", ShortName(service),
                     NounOf(service, type.empty() ? DefaultType(service) : type));
}

}  // namespace audex::offline_intent
