// libFuzzer target: arbitrary requests at the forwarding endpoint, through
// routing (core/aws_request_route.h), upstream resolution, re-signing and the
// aws-chunked re-signer, checking that what is accepted is consistent.
//
// Input: a method line, a request-target line, header lines ("Name: value")
// up to an empty line, then the body. Half the inputs (by the first byte)
// are signed by the harness with the child's credentials first, so that the
// fuzzer reaches past the signature check into service and operation
// matching; the rest are routed as they are. The body also goes through an
// aws-chunked re-signer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "catalog/service_models.h"
#include "core/wire/aws_chunked.h"
#include "core/wire/aws_request_route.h"
#include "core/wire/credential_calls.h"
#include "core/wire/sigv4.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

std::string_view Line(std::string_view& input) {
  const size_t end = input.find('\n');
  const std::string_view line = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const bool sign = (input.front() & 1) != 0;
  input.remove_prefix(1);

  audex::AwsRequestHead head;
  head.method = std::string(Line(input));
  head.target = std::string(Line(input));
  while (!input.empty()) {
    const std::string_view line = Line(input);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    head.headers.emplace_back(std::string(line.substr(0, colon)),
                              std::string(line.substr(colon + 1)));
  }
  const std::string body(input);

  audex::EndpointIdentity identity;
  identity.port = 4000;
  identity.access_key_id = "AUDXFUZZ";
  identity.secret_access_key = audex::SecretString("fuzz-secret");
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1780000000));

  if (sign && !head.target.empty() && head.target.front() == '/') {
    audex::HttpRequest request;
    request.method = head.method;
    request.url = "http://127.0.0.1:4000" + head.target;
    request.headers = head.headers;
    request.body = body;
    std::string service = "s3";
    for (const auto& [name, value] : head.headers) {
      if (name == "x-fuzz-service") service = value;
    }
    audex::AwsCredentials child;
    child.access_key_id = identity.access_key_id;
    child.secret_access_key = identity.secret_access_key;
    auto signed_request = audex::SignV4(request, child, {"us-east-1", service}, now);
    if (signed_request) {
      const size_t path = signed_request->url.find('/', 7);
      head.target = signed_request->url.substr(path);
      head.headers = signed_request->headers;
    }
  }

  const audex::AwsServiceModels& models = audex::BuiltinServiceModels();
  audex::AwsRequestBody request_body;
  if (audex::NeedsWholeBody(head)) {
    request_body.buffered = true;
    request_body.data = body;
  }
  auto route = audex::RouteAwsRequest(models, head, request_body, identity);
  if (!route) {
    Check(route.error().status >= 400 && !route.error().code.empty());
    const audex::HttpResponse reply = audex::AwsErrorReply(route.error(), nullptr, head);
    Check(reply.status == route.error().status && !reply.body.empty());
  } else {
    Check(route->service != nullptr);
    Check(route->service->signing_name == route->authorization.service);
    Check(route->authorization.access_key_id == identity.access_key_id);
    // --broker's refusal of credential calls: exactly the listed ones, in
    // one shape.
    const auto refusal = audex::RefuseCredentialCall(*route);
    Check(refusal.has_value() ==
          (audex::FindCredentialCall(route->service->service_id, route->operation) != nullptr));
    if (refusal) Check(refusal->status == 403 && refusal->code == "AccessDenied");
    auto target = audex::ResolveUpstream(models, *route, {});
    if (target) {
      Check(target->url.starts_with("https://"));
      audex::AwsCredentials session;
      session.access_key_id = "ASIASESSION";
      session.secret_access_key = audex::SecretString("session-secret");
      auto upstream = audex::UpstreamRequest(head, *route, *target, session, now,
                                             request_body.buffered ? body : std::string());
      if (upstream) Check(upstream->url == target->url || !upstream->url.empty());
    }
  }

  // The same body as an aws-chunked upload signed by the child.
  const audex::SigV4Scope scope{"us-east-1", "s3"};
  audex::ChunkSigningKeys keys{
      audex::SigV4SigningKey(identity.secret_access_key, "20260501", scope), "20260501T000000Z",
      audex::SigV4CredentialScope("20260501", scope), std::string(64, '0')};
  audex::AwsChunkedResigner resigner(keys, keys, (size & 1) != 0);
  std::string out;
  auto fed = resigner.Feed(body, &out);
  if (fed && resigner.done()) Check(out.size() == body.size() || (size & 1) != 0);
  return 0;
}
