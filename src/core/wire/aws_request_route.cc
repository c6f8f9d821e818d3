// Routing of requests at the forwarding endpoint. The rules applied here
// come from AWS's documentation: SigV4's Authorization header and canonical
// request ("Signature Version 4 signing process"), the protocols' ways of
// naming an operation (Smithy's awsJson1_0/1_1 X-Amz-Target, awsQuery and
// ec2Query Action, restJson1/restXml HTTP bindings) and S3's two addressing
// styles ("Virtual hosting of buckets").
#include "core/wire/aws_request_route.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/text.h"
#include "core/wire/url.h"

namespace audex {
namespace {

const std::string* Header(const HttpHeaders& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, lower_name)) return &value;
  }
  return nullptr;
}

tl::unexpected<AwsRefusal> Refuse(int status, std::string code, std::string message) {
  return tl::unexpected(AwsRefusal{status, std::move(code), std::move(message)});
}

// The decoded names and values of a query string or form body ('+' is a
// space in forms; in a SigV4 query string it never appears unencoded).
std::vector<std::pair<std::string, std::string>> Parameters(std::string_view text, bool form) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string_view pair : Split(text, '&')) {
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    std::string name(pair.substr(0, equals));
    std::string value(equals == std::string_view::npos ? std::string_view()
                                                       : pair.substr(equals + 1));
    if (form) {
      std::replace(name.begin(), name.end(), '+', ' ');
      std::replace(value.begin(), value.end(), '+', ' ');
    }
    out.emplace_back(PercentDecode(name), PercentDecode(value));
  }
  return out;
}

const std::string* Parameter(const std::vector<std::pair<std::string, std::string>>& parameters,
                             std::string_view name) {
  for (const auto& [key, value] : parameters) {
    if (key == name) return &value;
  }
  return nullptr;
}

bool IsRegionName(std::string_view region) {
  if (region.empty() || region.size() > 32) return false;
  return std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Constant-time comparison: the signature is what proves the sender holds
// the child's secret.
bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

// The host part of a Host header value and its port (0 when absent).
std::pair<std::string, int> SplitHost(std::string_view value) {
  const std::string host = ToLower(Trim(value));
  const size_t colon = host.rfind(':');
  if (colon == std::string::npos || host.find(']', colon) != std::string::npos) return {host, 0};
  int port = 0;
  for (const char c : std::string_view(host).substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return {host, -1};
    port = port * 10 + (c - '0');
  }
  return {host.substr(0, colon), port};
}

std::span<const AwsServiceModel> ServicesSignedAs(const AwsServiceModels& models,
                                                  std::string_view signing_name) {
  const auto first = std::lower_bound(models.services.begin(), models.services.end(), signing_name,
                                      [](const AwsServiceModel& service, std::string_view name) {
                                        return service.signing_name < name;
                                      });
  auto last = first;
  while (last != models.services.end() && last->signing_name == signing_name) ++last;
  return {first, last};
}

const AwsOperationModel* FindOperation(const AwsServiceModel& service, std::string_view name) {
  for (const AwsOperationModel& operation : service.operations) {
    if (operation.name == name) return &operation;
  }
  return nullptr;
}

// Matches one path segment against a template segment such as "{Bucket}",
// "v1", or "{name}:invoke" (a label with literal text around it).
bool SegmentMatches(std::string_view pattern, std::string_view segment, int* literal) {
  const size_t open = pattern.find('{');
  if (open == std::string_view::npos) {
    if (pattern != segment) return false;
    *literal += 1;
    return true;
  }
  const size_t close = pattern.find('}', open);
  if (close == std::string_view::npos) return false;
  const std::string_view prefix = pattern.substr(0, open);
  const std::string_view suffix = pattern.substr(close + 1);
  if (segment.size() <= prefix.size() + suffix.size()) return false;
  return segment.starts_with(prefix) && segment.ends_with(suffix);
}

// Matches a request path against a request URI's path template; `literal`
// counts literal segments, which make a template more specific.
bool PathMatches(std::string_view pattern, std::string_view path, int* literal) {
  auto segments_of = [](std::string_view text) {
    std::vector<std::string_view> segments;
    for (const std::string_view part : Split(text, '/')) {
      if (!part.empty()) segments.push_back(part);
    }
    return segments;
  };
  const std::vector<std::string_view> patterns = segments_of(pattern);
  const std::vector<std::string_view> parts = segments_of(path);
  for (size_t i = 0; i < patterns.size(); ++i) {
    // A greedy label ({Key+}) takes the rest of the path, one segment at least.
    if (patterns[i].ends_with("+}")) return i + 1 == patterns.size() && parts.size() > i;
    if (i >= parts.size() || !SegmentMatches(patterns[i], parts[i], literal)) return false;
  }
  return parts.size() == patterns.size();
}

std::string_view ProtocolOf(const AwsServiceModel* service, const AwsRequestHead& head) {
  if (service != nullptr) return service->protocol;
  // Unknown service: answer in JSON when the client spoke JSON.
  if (Header(head.headers, "x-amz-target") != nullptr) return "json";
  const std::string* type = Header(head.headers, "content-type");
  if (type != nullptr && type->find("json") != std::string::npos) return "rest-json";
  return "query";
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// S3 bucket names that can be a DNS label (no dots: a dotted name breaks
// the *.s3 wildcard certificate): S3 user guide, "Bucket naming rules".
bool IsVirtualHostableBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (bucket.front() == '-' || bucket.back() == '-') return false;
  return std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// "us-east-1" -> "us-*": the AWS SDK's region prefix for endpoint rules.
std::string RegionPrefix(std::string_view region) {
  const std::vector<std::string_view> parts = Split(region, '-');
  if (parts.size() < 3) return "";
  std::string prefix;
  for (size_t i = 0; i + 2 < parts.size(); ++i) {
    prefix += std::string(parts[i]) + "-";
  }
  return prefix + "*";
}

const AwsEndpointRule* FindRule(std::span<const AwsEndpointRule> rules, std::string_view key) {
  const auto it = std::lower_bound(
      rules.begin(), rules.end(), key,
      [](const AwsEndpointRule& rule, std::string_view wanted) { return rule.key < wanted; });
  return it != rules.end() && it->key == key ? &*it : nullptr;
}

// The AWS SDK's rule order (region_config.js derivedKeys): the most
// specific of region, region prefix and "*" for the region, then for the
// endpoint prefix.
const AwsEndpointRule* RuleFor(std::span<const AwsEndpointRule> rules, std::string_view region,
                               std::string_view endpoint_prefix) {
  const std::string prefix = RegionPrefix(region);
  const std::string r(region);
  const std::string e(endpoint_prefix);
  std::vector<std::string> keys = {r + "/" + e};
  if (!prefix.empty()) keys.push_back(prefix + "/" + e);
  keys.push_back(r + "/*");
  if (!prefix.empty()) keys.push_back(prefix + "/*");
  keys.push_back("*/" + e);
  keys.push_back("*/*");
  for (const std::string& key : keys) {
    if (const AwsEndpointRule* rule = FindRule(rules, key)) return rule;
  }
  return nullptr;
}

std::string Substitute(std::string text, std::string_view name, std::string_view value) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at)) {
    text.replace(at, name.size(), value);
    at += value.size();
  }
  return text;
}

// Headers the child sent that do not travel upstream: hop-by-hop ones
// (RFC 9110 section 7.6.1), its signature, and those the HTTP client sets.
constexpr std::array<std::string_view, 14> kDroppedHeaders = {"authorization",
                                                              "connection",
                                                              "content-length",
                                                              "expect",
                                                              "host",
                                                              "keep-alive",
                                                              "proxy-authorization",
                                                              "proxy-connection",
                                                              "te",
                                                              "trailer",
                                                              "transfer-encoding",
                                                              "upgrade",
                                                              "x-amz-date",
                                                              "x-amz-security-token"};

}  // namespace

Routed<SigV4Authorization> ParseSigV4Authorization(std::string_view header) {
  header = Trim(header);
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (header.empty()) {
    return Refuse(403, "MissingAuthenticationToken",
                  "the request is not signed: Audex's endpoint forwards only requests signed with "
                  "SigV4 by an AWS SDK or CLI using the credentials Audex gave the command");
  }
  if (!header.starts_with(kAlgorithm)) {
    return Refuse(400, "AuthorizationHeaderMalformed",
                  "the request is not signed with AWS Signature Version 4 (AWS4-HMAC-SHA256), "
                  "so it names no service and region; use a current AWS SDK or CLI");
  }
  SigV4Authorization parsed;
  std::string credential;
  std::string signed_headers;
  for (const std::string_view part : Split(header.substr(kAlgorithm.size()), ',')) {
    const std::string_view item = Trim(part);
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = item.substr(0, equals);
    const std::string value(item.substr(equals + 1));
    if (name == "Credential") credential = value;
    if (name == "SignedHeaders") signed_headers = value;
    if (name == "Signature") parsed.signature = value;
  }
  const std::vector<std::string_view> scope = Split(credential, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty() || scope[1].size() != 8 ||
      scope[2].empty() || scope[3].empty() || signed_headers.empty() ||
      parsed.signature.size() != 64) {
    return Refuse(400, "AuthorizationHeaderMalformed",
                  "the SigV4 Authorization header lacks a credential scope "
                  "(Credential=KEY/DATE/REGION/SERVICE/aws4_request), SignedHeaders or Signature");
  }
  parsed.access_key_id = std::string(scope[0]);
  parsed.date = std::string(scope[1]);
  parsed.region = std::string(scope[2]);
  parsed.service = std::string(scope[3]);
  for (const std::string_view name : Split(signed_headers, ';')) {
    parsed.signed_headers.push_back(ToLower(name));
  }
  return parsed;
}

const AwsServiceModel* FirstServiceSignedAs(const AwsServiceModels& models,
                                            std::string_view signing_name) {
  const std::span<const AwsServiceModel> services = ServicesSignedAs(models, signing_name);
  return services.empty() ? nullptr : &services.front();
}

bool NeedsWholeBody(const AwsRequestHead& head) {
  const std::string* hash = Header(head.headers, "x-amz-content-sha256");
  if (hash != nullptr && hash->starts_with("STREAMING-")) return false;
  const std::string* type = Header(head.headers, "content-type");
  const bool form = type != nullptr && type->find("x-www-form-urlencoded") != std::string::npos;
  return form || Header(head.headers, "x-amz-content-sha256") == nullptr;
}

const AwsOperationModel* MatchRestOperation(const AwsServiceModel& service, std::string_view method,
                                            std::string_view path, std::string_view query,
                                            const HttpHeaders& headers) {
  const auto parameters = Parameters(query, false);
  // Newer SDKs (JavaScript v3, Go v2) name the operation in ?x-id=.
  if (const std::string* named = Parameter(parameters, "x-id")) {
    const AwsOperationModel* operation = FindOperation(service, *named);
    if (operation != nullptr && EqualsIgnoreCase(operation->method, method)) return operation;
  }
  const AwsOperationModel* best = nullptr;
  int best_score = -1;
  for (const AwsOperationModel& operation : service.operations) {
    if (!EqualsIgnoreCase(operation.method, method)) continue;
    const size_t question = operation.request_uri.find('?');
    int literal = 0;
    if (!PathMatches(operation.request_uri.substr(0, question), path, &literal)) continue;
    int score = literal * 100;
    bool matches = true;
    if (question != std::string_view::npos) {
      for (const std::string_view item : Split(operation.request_uri.substr(question + 1), '&')) {
        if (item.empty()) continue;
        const size_t equals = item.find('=');
        const std::string name(item.substr(0, equals));
        const std::string* value = Parameter(parameters, name);
        if (value == nullptr ||
            (equals != std::string_view::npos && *value != item.substr(equals + 1))) {
          matches = false;
          break;
        }
        score += 10;
      }
    }
    for (const std::string_view name : Split(operation.required_query, ',')) {
      if (name.empty()) continue;
      if (Parameter(parameters, name) == nullptr) matches = false;
      score += 1;
    }
    for (const std::string_view name : Split(operation.required_headers, ',')) {
      if (name.empty()) continue;
      if (Header(headers, name) == nullptr) matches = false;
      score += 1;
    }
    if (matches && score > best_score) {
      best = &operation;
      best_score = score;
    }
  }
  return best;
}

Routed<AwsRoute> RouteAwsRequest(const AwsServiceModels& models, const AwsRequestHead& head,
                                 const AwsRequestBody& body, const EndpointIdentity& identity) {
  // The request must be meant for this endpoint: an origin-form target and
  // our own host and port (a proxy-style absolute URL, or a Host naming
  // another server, is not forwarded anywhere).
  if (head.target.empty() || head.target.front() != '/') {
    return Refuse(400, "InvalidRequest",
                  "Audex's endpoint is not an HTTP proxy: send requests to it as an endpoint "
                  "URL (AWS_ENDPOINT_URL), not through HTTP_PROXY");
  }
  const std::string* host_header = Header(head.headers, "host");
  const auto [host, port] = SplitHost(host_header != nullptr ? *host_header : "");
  std::string virtual_bucket;
  const bool own_host = host == "127.0.0.1" || host == "localhost";
  if (!own_host && host.ends_with(".localhost")) {
    virtual_bucket = host.substr(0, host.size() - std::string_view(".localhost").size());
  }
  if ((!own_host && virtual_bucket.empty()) || port != identity.port) {
    return Refuse(400, "InvalidHost",
                  fmt::format("the request is addressed to \"{}\", not to Audex's endpoint "
                              "127.0.0.1:{}; nothing was forwarded",
                              host_header != nullptr ? *host_header : "", identity.port));
  }

  const size_t question = head.target.find('?');
  const std::string path = head.target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : head.target.substr(question + 1);
  const auto query_parameters = Parameters(query, false);
  for (const char* name : {"X-Amz-Signature", "X-Amz-Credential", "Signature"}) {
    if (Parameter(query_parameters, name) != nullptr) {
      return Refuse(403, "AccessDenied",
                    "presigned URLs are refused by Audex's endpoint: this one was signed with "
                    "the placeholder credentials Audex gave the command, which work nowhere "
                    "else; make the call through the SDK, or presign outside tryaudex run "
                    "--broker");
    }
  }

  const std::string* authorization_header = Header(head.headers, "authorization");
  auto authorization =
      ParseSigV4Authorization(authorization_header != nullptr ? *authorization_header : "");
  if (!authorization) return tl::unexpected(authorization.error());
  if (!SameText(authorization->access_key_id, identity.access_key_id)) {
    return Refuse(403, "InvalidClientTokenId",
                  "the request was not signed with the access key Audex gave this command "
                  "(AWS_ACCESS_KEY_ID): only the command Audex started may use its endpoint");
  }

  const std::string* amz_date = Header(head.headers, "x-amz-date");
  if (amz_date == nullptr || amz_date->size() != 16) {
    return Refuse(400, "IncompleteSignature",
                  "the request has no X-Amz-Date header in the form 20150830T123600Z");
  }
  AwsRoute route;
  route.amz_date = *amz_date;
  if (const std::string* hash = Header(head.headers, "x-amz-content-sha256")) {
    route.payload_hash = *hash;
  } else if (body.buffered) {
    route.payload_hash = Sha256Hex(body.data);
  } else {
    return Refuse(400, "InvalidRequest", "a streamed request body needs x-amz-content-sha256");
  }

  // The child's own signature, checked with the secret Audex handed it:
  // the proof that the request comes from the command Audex started (the
  // access key id alone is no secret: SDK debug logs print it).
  SigV4SignedRequest signed_request;
  signed_request.method = head.method;
  signed_request.path = path;
  signed_request.query = query;
  signed_request.headers = head.headers;
  signed_request.signed_headers = authorization->signed_headers;
  signed_request.amz_date = *amz_date;
  signed_request.payload_hash = route.payload_hash;
  const SigV4Scope child_scope{authorization->region, authorization->service};
  if (!SameText(SigV4SignatureOf(signed_request, identity.secret_access_key, child_scope),
                authorization->signature)) {
    return Refuse(403, "SignatureDoesNotMatch",
                  "the request signature is not the one the credentials Audex gave this command "
                  "produce (AWS_SECRET_ACCESS_KEY was changed, or the request was altered); "
                  "nothing was forwarded");
  }

  const std::span<const AwsServiceModel> candidates =
      ServicesSignedAs(models, authorization->service);
  if (candidates.empty()) {
    return Refuse(400, "UnknownService",
                  fmt::format("the signing service \"{}\" is not in Audex's AWS service models "
                              "({}); nothing was forwarded. Call the service directly, without "
                              "tryaudex's endpoint",
                              authorization->service, models.source));
  }
  if (!IsRegionName(authorization->region)) {
    return Refuse(
        400, "InvalidRegion",
        fmt::format("\"{}\" in the credential scope is not a region name", authorization->region));
  }

  route.path = path;
  route.query = query;
  const std::string* target = Header(head.headers, "x-amz-target");
  if (target != nullptr) {
    // JSON protocols: "DynamoDB_20120810.GetItem".
    const size_t dot = target->rfind('.');
    const std::string_view prefix = std::string_view(*target).substr(0, dot);
    for (const AwsServiceModel& service : candidates) {
      if (dot != std::string::npos && service.target_prefix == prefix) {
        route.service = &service;
        route.operation = target->substr(dot + 1);
        route.operation_model = FindOperation(service, route.operation);
      }
    }
    if (route.service == nullptr) {
      return Refuse(400, "UnknownOperation",
                    fmt::format("X-Amz-Target \"{}\" names no service signed as \"{}\" in Audex's "
                                "AWS service models ({}); nothing was forwarded",
                                *target, authorization->service, models.source));
    }
  } else {
    // Query protocols name the operation in Action=, in the URL or the form body.
    const std::string* action = Parameter(query_parameters, "Action");
    std::vector<std::pair<std::string, std::string>> form;
    const std::string* type = Header(head.headers, "content-type");
    if (action == nullptr && body.buffered && type != nullptr &&
        type->find("application/x-www-form-urlencoded") != std::string::npos) {
      form = Parameters(body.data, true);
      action = Parameter(form, "Action");
    }
    if (action != nullptr) {
      route.operation = *action;
      // The service that has the operation (the models of one signing name
      // may share it, as RDS, DocDB and Neptune do); else a Query service.
      for (const AwsServiceModel& service : candidates) {
        if (FindOperation(service, *action) != nullptr) {
          route.service = &service;
          route.operation_model = FindOperation(service, *action);
          break;
        }
      }
      if (route.service == nullptr) {
        for (const AwsServiceModel& service : candidates) {
          if (service.protocol == "query" || service.protocol == "ec2") {
            route.service = &service;
            break;
          }
        }
      }
      if (route.service == nullptr) route.service = &candidates.front();
    } else {
      // REST: the method and path against each REST service of the signing
      // name (S3 and S3 Control share "s3").
      std::string rest_path = path;
      if (!virtual_bucket.empty()) rest_path = "/" + virtual_bucket + (path == "/" ? "" : path);
      const AwsServiceModel* fallback = nullptr;
      for (const AwsServiceModel& service : candidates) {
        if (!service.protocol.starts_with("rest-")) continue;
        if (fallback == nullptr) fallback = &service;
        const AwsOperationModel* operation =
            MatchRestOperation(service, head.method, rest_path, query, head.headers);
        if (operation != nullptr && route.operation_model == nullptr) {
          route.service = &service;
          route.operation_model = operation;
          route.operation = std::string(operation->name);
        }
      }
      if (route.service == nullptr) route.service = fallback;
      if (route.service == nullptr) {
        return Refuse(400, "UnknownOperation",
                      fmt::format("the request names no operation (no X-Amz-Target, no Action=) "
                                  "and \"{}\" has no REST API in Audex's AWS service models; "
                                  "nothing was forwarded",
                                  authorization->service));
      }
      route.path = rest_path;
      if (route.service->endpoint_prefix == "s3") {
        const std::vector<std::string_view> segments = Split(rest_path, '/');
        if (segments.size() > 1) route.bucket = PercentDecode(segments[1]);
      }
    }
  }
  route.authorization = std::move(*authorization);
  return route;
}

EndpointOverrides EndpointOverridesFrom(const Environment& environment) {
  EndpointOverrides overrides;
  constexpr std::string_view kPrefix = "AWS_ENDPOINT_URL_";
  for (const auto& [name, value] : environment) {
    if (name == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" && EqualsIgnoreCase(value, "true")) {
      return {};
    }
  }
  for (const auto& [name, value] : environment) {
    if (value.empty()) continue;
    if (name == "AWS_ENDPOINT_URL") overrides.all = value;
    if (name.starts_with(kPrefix)) {
      overrides.per_service.emplace_back(name.substr(kPrefix.size()), value);
    }
  }
  return overrides;
}

std::string EndpointVariableSuffix(std::string_view service_id) {
  std::string suffix;
  for (const char c : service_id) {
    if (c == ' ' || c == '-') {
      suffix += '_';
    } else {
      suffix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return suffix;
}

Routed<UpstreamTarget> ResolveUpstream(const AwsServiceModels& models, const AwsRoute& route,
                                       const EndpointOverrides& overrides) {
  const AwsServiceModel& service = *route.service;
  const std::string& region = route.authorization.region;
  std::string override_url = overrides.all;
  const std::string suffix = EndpointVariableSuffix(service.service_id);
  for (const auto& [name, url] : overrides.per_service) {
    if (name == suffix) override_url = url;
  }
  const std::string query = route.query.empty() ? "" : "?" + route.query;
  UpstreamTarget target;
  target.scope = SigV4Scope{region, route.authorization.service};
  if (!override_url.empty()) {
    auto url = ParseUrl(override_url);
    if (!url) {
      return Refuse(500, "InternalFailure",
                    fmt::format("Audex's endpoint override is unusable: {}", url.error().message));
    }
    std::string base = url->path == "/" ? "" : url->path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    target.url = Origin(*url) + base + route.path + query;
    return target;
  }

  std::string host;
  // STS: regional always (AWS STS docs, "Managing AWS STS in an AWS
  // Region": regional endpoints are recommended, the global one is legacy),
  // so its global "*/sts" rule is passed over for the region's default.
  const AwsEndpointRule* rule =
      RuleFor(models.endpoint_rules, region,
              service.endpoint_prefix == "sts" ? "(regional)" : service.endpoint_prefix);
  if (rule == nullptr) {
    return Refuse(500, "InternalFailure", "Audex's endpoint rules have no default rule");
  }
  host = Substitute(Substitute(std::string(rule->endpoint), "{service}", service.endpoint_prefix),
                    "{region}", region);
  if (!rule->signing_region.empty()) target.scope.region = std::string(rule->signing_region);
  if (route.operation_model != nullptr && !route.operation_model->host_prefix.empty() &&
      route.operation_model->host_prefix.find('{') == std::string_view::npos) {
    host = std::string(route.operation_model->host_prefix) + host;
  }
  std::string path = route.path;
  if (service.endpoint_prefix == "s3" && IsVirtualHostableBucket(route.bucket)) {
    host = route.bucket + "." + host;
    path = path.substr(1 + UriEncode(route.bucket).size());
    if (path.empty()) path = "/";
  }
  target.url = "https://" + host + path + query;
  return target;
}

Result<HttpRequest> UpstreamRequest(const AwsRequestHead& head, const AwsRoute& route,
                                    const UpstreamTarget& target, const AwsCredentials& session,
                                    std::chrono::system_clock::time_point now, std::string body) {
  HttpRequest request;
  request.method = head.method;
  request.url = target.url;
  request.body = std::move(body);
  for (const auto& [name, value] : head.headers) {
    const std::string lower = ToLower(name);
    if (std::find(kDroppedHeaders.begin(), kDroppedHeaders.end(), lower) != kDroppedHeaders.end()) {
      continue;
    }
    request.headers.emplace_back(name, value);
  }
  // S3 wants the payload hash signed and sent; other services take it when
  // the child sent it, and it is the hash it signed either way.
  const bool has_hash = Header(request.headers, "x-amz-content-sha256") != nullptr;
  if (!has_hash && route.service->endpoint_prefix == "s3") {
    request.headers.emplace_back("X-Amz-Content-Sha256", route.payload_hash);
  }
  return SignV4(std::move(request), session, target.scope, now);
}

HttpResponse AwsErrorReply(const AwsRefusal& given, const AwsServiceModel* service,
                           const AwsRequestHead& head) {
  // A message may quote what the request sent (a Host, an X-Amz-Target):
  // only printable ASCII goes back, so that any bytes make valid JSON and
  // XML (found by aws_request_route_fuzzer: a 0x92 byte made the JSON
  // writer throw).
  AwsRefusal refusal = given;
  for (char& c : refusal.message) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  HttpResponse reply;
  reply.status = refusal.status;
  const std::string_view protocol = ProtocolOf(service, head);
  reply.headers.emplace_back("x-amzn-ErrorType", refusal.code);
  if (protocol == "json" || protocol == "rest-json") {
    reply.headers.emplace_back(
        "content-type", protocol == "json" ? "application/x-amz-json-1.1" : "application/json");
    reply.body =
        nlohmann::json{
            {"__type", refusal.code}, {"message", refusal.message}, {"Message", refusal.message}}
            .dump();
  } else if (service != nullptr && service->endpoint_prefix == "s3") {
    reply.headers.emplace_back("content-type", "application/xml");
    reply.body = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>"
        "<RequestId>audex-endpoint</RequestId></Error>",
        XmlEscape(refusal.code), XmlEscape(refusal.message));
  } else {
    reply.headers.emplace_back("content-type", "text/xml");
    reply.body = fmt::format(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error>"
        "<RequestId>audex-endpoint</RequestId></ErrorResponse>",
        XmlEscape(refusal.code), XmlEscape(refusal.message));
  }
  return reply;
}

std::string AwsErrorCodeOf(const HttpHeaders& headers, std::string_view body) {
  auto clean = [](std::string_view code) {
    // "ValidationException:http://internal.amazon.com/..." and
    // "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException".
    code = code.substr(0, code.find(':'));
    const size_t hash = code.rfind('#');
    if (hash != std::string_view::npos) code = code.substr(hash + 1);
    return std::string(Trim(code));
  };
  if (const std::string* type = Header(headers, "x-amzn-errortype")) return clean(*type);
  for (const std::string_view key : {"\"__type\"", "\"code\""}) {
    const size_t at = body.find(key);
    if (at == std::string_view::npos) continue;
    const size_t open = body.find('"', body.find(':', at + key.size()));
    const size_t close = open == std::string_view::npos ? open : body.find('"', open + 1);
    if (close != std::string_view::npos) return clean(body.substr(open + 1, close - open - 1));
  }
  const size_t open = body.find("<Code>");
  const size_t close = body.find("</Code>");
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    return std::string(Trim(body.substr(open + 6, close - open - 6)));
  }
  return "";
}

}  // namespace audex
