// service_model_gen: the build-time generator that turns the unpacked npm
// package aws-sdk (v2, which ships every service model as JSON in
// apis/*.min.json and the endpoint rules in lib/region_config_data.json)
// into builtin_service_models.cc: the constant tables of
// core/aws_service_model.h that the forwarding endpoint routes with. It also
// writes a notice file with the package's licence. It runs on the build host
// only; tryaudex never parses these models.
//
// Usage: service_model_gen PACKAGE_DIR OUT_SOURCE OUT_NOTICE
//
// Of several API versions of one service (cloudfront-2016-11-25 ...
// cloudfront-2020-05-31) only the newest is kept: it is the one every
// current SDK speaks. Data it does not understand (a model without a
// protocol or signing name, an endpoint rule naming an unknown pattern)
// fails the generation, so a package update that changes shape fails the
// build instead of shipping a wrong router.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/gen/gen_io.h"

namespace {

namespace fs = std::filesystem;
using audex::gen::Lower;
using audex::gen::ReadFile;
using audex::gen::ReadJson;
using audex::gen::WriteIfChanged;
using nlohmann::json;

// A C++ string literal for `text` (the models hold only printable ASCII in
// the fields kept, but escape defensively).
std::string Literal(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\%03o", static_cast<unsigned char>(c));
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string StringOr(const json& object, const char* key, std::string fallback = "") {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

struct Operation {
  std::string name, method, request_uri, required_query, required_headers, host_prefix;
};

struct Service {
  std::string service_id, signing_name, endpoint_prefix, protocol, target_prefix, global_endpoint;
  std::string api_version;
  std::string file;
  std::vector<Operation> operations;
};

// The input structure of an operation, following a "shape" reference.
const json* InputShape(const json& model, const json& operation) {
  const auto input = operation.find("input");
  if (input == operation.end()) return nullptr;
  if (input->contains("shape")) {
    const std::string name = (*input)["shape"].get<std::string>();
    const auto& shapes = model["shapes"];
    if (!shapes.contains(name)) throw std::runtime_error("input shape " + name + " is missing");
    return &shapes[name];
  }
  return &*input;
}

Operation ReadOperation(const json& model, const std::string& name, const json& operation) {
  Operation op;
  op.name = name;
  const json http = operation.value("http", json::object());
  op.method = StringOr(http, "method", "POST");
  op.request_uri = StringOr(http, "requestUri", "/");
  if (operation.contains("endpoint"))
    op.host_prefix = StringOr(operation["endpoint"], "hostPrefix");
  if (const json* input = InputShape(model, operation)) {
    const json required = input->value("required", json::array());
    const json members = input->value("members", json::object());
    std::vector<std::string> query, headers;
    for (const json& member_name : required) {
      const std::string member = member_name.get<std::string>();
      if (!members.contains(member)) continue;
      const json& binding = members[member];
      const std::string location = StringOr(binding, "location");
      const std::string wire = StringOr(binding, "locationName", member);
      if (location == "querystring") query.push_back(wire);
      if (location == "header") headers.push_back(Lower(wire));
    }
    std::sort(query.begin(), query.end());
    std::sort(headers.begin(), headers.end());
    for (const std::string& q : query)
      op.required_query += (op.required_query.empty() ? "" : ",") + q;
    for (const std::string& h : headers) {
      op.required_headers += (op.required_headers.empty() ? "" : ",") + h;
    }
  }
  return op;
}

Service ReadService(const fs::path& file) {
  const json model = ReadJson(file);
  const json& metadata = model.at("metadata");
  Service service;
  service.file = file.filename().string();
  service.service_id = StringOr(metadata, "serviceId");
  service.endpoint_prefix = StringOr(metadata, "endpointPrefix");
  service.signing_name = StringOr(metadata, "signingName", service.endpoint_prefix);
  service.protocol = StringOr(metadata, "protocol");
  service.target_prefix = StringOr(metadata, "targetPrefix");
  service.global_endpoint = StringOr(metadata, "globalEndpoint");
  service.api_version = StringOr(metadata, "apiVersion");
  if (service.service_id.empty() || service.signing_name.empty() || service.protocol.empty()) {
    throw std::runtime_error(service.file + ": no serviceId, signing name or protocol");
  }
  for (const auto& [name, operation] : model.at("operations").items()) {
    service.operations.push_back(ReadOperation(model, name, operation));
  }
  std::sort(service.operations.begin(), service.operations.end(),
            [](const Operation& a, const Operation& b) { return a.name < b.name; });
  return service;
}

struct Rule {
  std::string key, endpoint, signing_region;
  bool global = false;
};

std::vector<Rule> ReadRules(const fs::path& file) {
  const json data = ReadJson(file);
  const json& patterns = data.at("patterns");
  std::vector<Rule> rules;
  for (const auto& [key, value] : data.at("rules").items()) {
    json config = value;
    if (value.is_string()) {
      const std::string pattern = value.get<std::string>();
      if (!patterns.contains(pattern)) {
        throw std::runtime_error("endpoint rule " + key + " names unknown pattern " + pattern);
      }
      config = patterns[pattern];
    }
    Rule rule;
    rule.key = key;
    rule.endpoint = StringOr(config, "endpoint");
    // globalSSL's endpoint carries a scheme; the endpoint always uses https.
    if (rule.endpoint.starts_with("https://")) rule.endpoint = rule.endpoint.substr(8);
    if (rule.endpoint.empty())
      throw std::runtime_error("endpoint rule " + key + " has no endpoint");
    rule.global = config.value("globalEndpoint", false);
    rule.signing_region = StringOr(config, "signingRegion");
    rules.push_back(std::move(rule));
  }
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.key < b.key; });
  return rules;
}

void Generate(const fs::path& package, const fs::path& out_source, const fs::path& out_notice) {
  const json manifest = ReadJson(package / "package.json");
  const std::string version = manifest.at("version").get<std::string>();

  // Newest API version per serviceId.
  std::map<std::string, Service> newest;
  for (const auto& entry : fs::directory_iterator(package / "apis")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".min.json")) continue;
    Service service = ReadService(entry.path());
    auto [it, inserted] = newest.try_emplace(service.service_id, service);
    if (!inserted && service.api_version > it->second.api_version) it->second = std::move(service);
  }
  if (newest.size() < 300) {
    throw std::runtime_error("only " + std::to_string(newest.size()) +
                             " service models found: is this the aws-sdk package?");
  }
  std::vector<Service> services;
  for (auto& [id, service] : newest) services.push_back(std::move(service));
  // Sorted by signing name, then service id: the router looks services up
  // by the credential scope's service.
  std::sort(services.begin(), services.end(), [](const Service& a, const Service& b) {
    return std::tie(a.signing_name, a.service_id) < std::tie(b.signing_name, b.service_id);
  });
  const std::vector<Rule> rules = ReadRules(package / "lib" / "region_config_data.json");

  // The strings of the services and operations, each once, end to end in
  // one array; the tables hold offsets into it instead of pointers. A
  // table of pointers (string_view) in a position-independent executable is
  // relocated by the dynamic loader at every start of tryaudex, whatever
  // the command: for these tables that was 1.5 MB, about 190,000
  // relocations and 380 page faults, before main (docs/performance.md). A
  // table of offsets is read-only data that stays on disk until the
  // forwarding endpoint first routes, and BuiltinServiceModels() builds the
  // string_view tables then, once.
  std::string text;
  std::map<std::string, size_t> text_offsets;
  const auto packed = [&](const std::string& value) {
    auto [it, inserted] = text_offsets.try_emplace(value, text.size());
    if (inserted) text += value;
    return "{" + std::to_string(it->second) + ", " + std::to_string(value.size()) + "}";
  };
  std::ostringstream operations;
  std::ostringstream service_table;
  size_t operation_count = 0;
  for (const Service& s : services) {
    service_table << "    {{" << packed(s.service_id) << ", " << packed(s.signing_name) << ", "
                  << packed(s.endpoint_prefix) << ", " << packed(s.protocol) << ", "
                  << packed(s.target_prefix) << ", " << packed(s.global_endpoint) << "}, "
                  << operation_count << ", " << s.operations.size() << "},  // " << s.file << "\n";
    for (const Operation& op : s.operations) {
      operations << "    {" << packed(op.name) << ", " << packed(op.method) << ", "
                 << packed(op.request_uri) << ", " << packed(op.required_query) << ", "
                 << packed(op.required_headers) << ", " << packed(op.host_prefix) << "},\n";
      ++operation_count;
    }
  }
  if (operation_count == 0) throw std::runtime_error("the service models have no operations");
  if (text.size() > 0xffffffffu) throw std::runtime_error("the service models' text is over 4 GB");

  std::ostringstream out;
  out << "// Generated by service_model_gen from the npm package aws-sdk " << version
      << " (apis/*.min.json,\n// lib/region_config_data.json). Do not edit.\n"
      << "#include <cstdint>\n#include <vector>\n\n"
      << "#include \"catalog/service_models.h\"\n\nnamespace audex {\nnamespace {\n\n"
      << "// Every string of the tables below, once (service_model_gen.cc says why\n"
      << "// the tables hold offsets into it rather than pointers).\n"
      << "constexpr char kText[] =\n";
  constexpr size_t kLine = 96;
  for (size_t at = 0; at < text.size(); at += kLine) {
    out << "    " << Literal(text.substr(at, kLine)) << "\n";
  }
  if (text.empty()) out << "    \"\"\n";
  out << "    ;\n\n"
      << "struct Text {\n  std::uint32_t offset;\n  std::uint32_t size;\n};\n\n"
      << "// Per operation: name, method, request URI, required query, required\n"
      << "// headers, host prefix (AwsOperationModel's fields, in order).\n"
      << "constexpr Text kOperations[][6] = {\n"
      << operations.str() << "};\n\n"
      << "// Per service: AwsServiceModel's strings, in order, then its operations\n"
      << "// in kOperations (first, count).\n"
      << "struct PackedService {\n  Text fields[6];\n  std::uint32_t first_operation;\n"
      << "  std::uint32_t operation_count;\n};\n\n"
      << "constexpr PackedService kServices[] = {\n"
      << service_table.str() << "};\n\nconstexpr AwsEndpointRule kEndpointRules[] = {\n";
  for (const Rule& rule : rules) {
    out << "    {" << Literal(rule.key) << ", " << Literal(rule.endpoint) << ", "
        << (rule.global ? "true" : "false") << ", " << Literal(rule.signing_region) << "},\n";
  }
  out << "};\n\n"
      << "std::string_view View(Text text) { return {kText + text.offset, text.size}; }\n\n"
      << "// The string_view tables of aws_service_model.h, built from the packed ones.\n"
      << "struct Unpacked {\n"
      << "  std::vector<AwsOperationModel> operations;\n"
      << "  std::vector<AwsServiceModel> services;\n"
      << "  AwsServiceModels models;\n"
      << "};\n\n"
      << "Unpacked Unpack() {\n"
      << "  Unpacked unpacked;\n"
      << "  unpacked.operations.reserve(std::size(kOperations));\n"
      << "  for (const auto& op : kOperations) {\n"
      << "    unpacked.operations.push_back(\n"
      << "        {View(op[0]), View(op[1]), View(op[2]), View(op[3]), View(op[4]), "
         "View(op[5])});\n"
      << "  }\n"
      << "  unpacked.services.reserve(std::size(kServices));\n"
      << "  for (const PackedService& s : kServices) {\n"
      << "    const std::span<const AwsOperationModel> operations(\n"
      << "        unpacked.operations.data() + s.first_operation, s.operation_count);\n"
      << "    unpacked.services.push_back({View(s.fields[0]), View(s.fields[1]), "
         "View(s.fields[2]),\n"
      << "                                 View(s.fields[3]), View(s.fields[4]), "
         "View(s.fields[5]),\n"
      << "                                 operations});\n"
      << "  }\n"
      << "  unpacked.models = {unpacked.services, kEndpointRules, " << Literal("aws-sdk " + version)
      << "};\n"
      << "  return unpacked;\n"
      << "}\n\n}  // namespace\n\n"
      << "const AwsServiceModels& BuiltinServiceModels() {\n"
      << "  static const Unpacked unpacked = Unpack();\n"
      << "  return unpacked.models;\n}\n\n}  // namespace audex\n";
  WriteIfChanged(out_source, out.str());

  std::ostringstream notice;
  notice << "The AWS service models and endpoint rules in tryaudex's forwarding endpoint are\n"
            "generated from the npm package aws-sdk "
         << version << " (" << services.size() << " services, " << operation_count
         << " operations),\nunder the following licence and notice.\n\n"
         << ReadFile(package / "LICENSE.txt") << "\n"
         << ReadFile(package / "NOTICE.txt");
  WriteIfChanged(out_notice, notice.str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: service_model_gen PACKAGE_DIR OUT_SOURCE OUT_NOTICE\n");
    return 2;
  }
  try {
    Generate(argv[1], argv[2], argv[3]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "service_model_gen: %s\n", e.what());
    return 1;
  }
  return 0;
}
