#include "catalog/intent/intent_wording.h"

#include <fmt/format.h>

#include "catalog/intent/intent_words.h"
#include "core/intent/offline_vocabulary.h"

namespace audex::offline_intent {
namespace {

// "bucket" -> "buckets", "policy" -> "policies", "address" -> "addresses".
std::string Plural(const std::string& noun) {
  if (noun.ends_with("s") || noun.ends_with("x") || noun.ends_with("sh") || noun.ends_with("ch")) {
    return noun + "es";
  }
  if (noun.size() > 1 && noun.back() == 'y' &&
      std::string_view("aeiou").find(noun[noun.size() - 2]) == std::string_view::npos) {
    return noun.substr(0, noun.size() - 1) + "ies";
  }
  return noun + "s";
}

}  // namespace

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
  return fmt::format("{} {}", ShortName(service), Plural(noun));
}

std::string ServiceWording::Named(std::string_view service, std::string_view type,
                                  size_t count) const {
  const ServicePhrases* phrases = FindServicePhrases(service);
  if (phrases != nullptr && (type.empty() || SameType(type, DefaultType(service)))) {
    return std::string(count == 1 ? phrases->named_one : phrases->named_many);
  }
  const std::string noun = NounOf(service, type.empty() ? DefaultType(service) : type);
  return count == 1 ? fmt::format("a specific {} {}", ShortName(service), noun)
                    : fmt::format("specific {} {}", ShortName(service), Plural(noun));
}

}  // namespace audex::offline_intent
