#include "catalog/resource_formats.h"

#include <algorithm>

#include "catalog/name_words.h"
#include "core/base/text.h"

namespace audex {

using catalog_data::ResourceFormatRow;

std::vector<std::string> ResourceFormat::Variables() const {
  std::vector<std::string> variables;
  for (size_t at = format.find("${"); at != std::string::npos; at = format.find("${", at)) {
    const size_t close = format.find('}', at);
    if (close == std::string::npos) break;
    std::string variable = format.substr(at + 2, close - at - 2);
    if (variable != "Partition" && variable != "Region" && variable != "Account") {
      variables.push_back(std::move(variable));
    }
    at = close + 1;
  }
  return variables;
}

const ResourceFormats& ResourceFormats::Builtin() {
  static const ResourceFormats formats(catalog_data::BuiltinCatalogTables(),
                                       catalog_data::BuiltinResourceFormatTables());
  return formats;
}

ResourceFormats::ResourceFormats(const catalog_data::CatalogTables& catalog,
                                 const catalog_data::ResourceFormatTables& tables)
    : catalog_(catalog), tables_(tables) {}

std::optional<uint32_t> ResourceFormats::ServiceIndex(std::string_view prefix) const {
  // Tables from another catalog than the one they were generated with
  // answer nothing rather than mix services up.
  if (tables_.first_format.size() != catalog_.services.size() + 1) return std::nullopt;
  const auto services = catalog_.services;
  const auto prefix_of = [this](const catalog_data::ServiceRow& row) {
    return catalog_.text.substr(row.prefix_offset, row.prefix_length);
  };
  const auto it = std::partition_point(
      services.begin(), services.end(),
      [&](const catalog_data::ServiceRow& row) { return prefix_of(row) < prefix; });
  if (it == services.end() || prefix_of(*it) != prefix) return std::nullopt;
  return static_cast<uint32_t>(it - services.begin());
}

ResourceFormat ResourceFormats::At(uint32_t service, size_t row) const {
  const ResourceFormatRow& format = tables_.formats[row];
  const catalog_data::ServiceRow& service_row = catalog_.services[service];
  ResourceFormat out;
  out.service = catalog_.text.substr(service_row.prefix_offset, service_row.prefix_length);
  out.name = tables_.text.substr(format.name_offset, format.name_length);
  out.noun = tables_.text.substr(format.noun_offset, format.noun_length);
  if (out.noun.empty()) out.noun = Join(NameWords(out.name), " ");
  out.format = "arn:${Partition}:";
  const std::string_view stored = tables_.text.substr(format.format_offset, format.format_length);
  if (stored.starts_with(':')) out.format += out.service;
  for (char c : stored) {
    if (c == catalog_data::kRegionCode) {
      out.format += "${Region}";
    } else if (c == catalog_data::kAccountCode) {
      out.format += "${Account}";
    } else {
      out.format += c;
    }
  }
  return out;
}

std::vector<ResourceFormat> ResourceFormats::OfService(std::string_view prefix) const {
  std::vector<ResourceFormat> formats;
  const auto service = ServiceIndex(prefix);
  if (!service) return formats;
  for (size_t row = tables_.first_format[*service]; row < tables_.first_format[*service + 1];
       ++row) {
    formats.push_back(At(*service, row));
  }
  return formats;
}

std::vector<ResourceFormats::TypeRef> ResourceFormats::FindByNoun(std::string_view phrase) const {
  std::vector<TypeRef> found;
  if (tables_.first_format.size() != catalog_.services.size() + 1) return found;
  // A noun left out of the tables is its name's words: the same letters.
  const auto letters_of = [this](uint16_t row) {
    const ResourceFormatRow& format = tables_.formats[row];
    return NameLetters(format.noun_length > 0
                           ? tables_.text.substr(format.noun_offset, format.noun_length)
                           : tables_.text.substr(format.name_offset, format.name_length));
  };
  const std::string key = NameLetters(phrase);
  if (key.empty()) return found;
  auto it = std::partition_point(tables_.by_noun.begin(), tables_.by_noun.end(),
                                 [&](uint16_t row) { return letters_of(row) < key; });
  for (; it != tables_.by_noun.end() && letters_of(*it) == key; ++it) {
    const auto after =
        std::upper_bound(tables_.first_format.begin(), tables_.first_format.end(), *it);
    const auto service = static_cast<size_t>(after - tables_.first_format.begin()) - 1;
    const catalog_data::ServiceRow& service_row = catalog_.services[service];
    const ResourceFormatRow& format = tables_.formats[*it];
    found.push_back(
        TypeRef{catalog_.text.substr(service_row.prefix_offset, service_row.prefix_length),
                tables_.text.substr(format.name_offset, format.name_length)});
  }
  return found;
}

std::optional<ResourceFormat> ResourceFormats::Find(std::string_view prefix,
                                                    std::string_view name) const {
  const auto service = ServiceIndex(prefix);
  if (!service) return std::nullopt;
  for (size_t row = tables_.first_format[*service]; row < tables_.first_format[*service + 1];
       ++row) {
    const ResourceFormatRow& format = tables_.formats[row];
    if (EqualsIgnoreCase(tables_.text.substr(format.name_offset, format.name_length), name)) {
      return At(*service, row);
    }
  }
  return std::nullopt;
}

std::string ExpandArnFormat(std::string_view format, const ArnValues& values) {
  std::string out;
  size_t at = 0;
  while (at < format.size()) {
    const size_t open = format.find("${", at);
    const size_t close = open == std::string_view::npos ? open : format.find('}', open);
    if (close == std::string_view::npos) {
      out += format.substr(at);
      break;
    }
    out += format.substr(at, open - at);
    const std::string_view variable = format.substr(open + 2, close - open - 2);
    if (const auto value = values.find(variable); value != values.end()) {
      out += value->second;
    } else {
      out += variable == "Partition" ? "aws" : "*";
    }
    at = close + 1;
  }
  return out;
}

}  // namespace audex
