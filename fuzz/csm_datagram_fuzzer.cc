// libFuzzer target: arbitrary bytes as client-side monitoring datagrams,
// through the parser and the session collector, checking that what they
// accept is consistent.
//
// Input: datagrams separated by '\n' (a real datagram is one JSON object on
// one line), all fed to one collector, as the listener does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/wire/csm_event.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  audex::CsmCallCollector collector("sess-1", "ASIASESSION");
  size_t count = 0;
  for (size_t start = 0; start <= input.size();) {
    const size_t end = std::min(input.find('\n', start), input.size());
    const std::string_view datagram = input.substr(start, end - start);
    const auto event = audex::ParseCsmDatagram(datagram);
    if (event) {
      Check(!event->http_status || (*event->http_status >= 0 && *event->http_status < 1000));
      Check(event->attempt_count >= 0);
    } else {
      Check(!event.error().message.empty());
    }
    collector.Add(datagram);
    ++count;
    start = end + 1;
  }
  Check(collector.datagrams() == count);
  Check(collector.calls().size() + collector.malformed() + collector.foreign() <= count);
  for (const audex::ObservedCall& call : collector.calls()) {
    Check(!call.service.empty() && !call.operation.empty());
    Check(call.denied == audex::IsPermissionDenied(call.error_code, call.http_status));
    for (const std::string& resource : call.resources) Check(resource.starts_with("arn:aws:s3:::"));
  }
  // The bucket parser on the raw input as a host name.
  const std::string bucket = audex::S3BucketFromHost(input.substr(0, 300));
  Check(bucket.size() < 300);
  return 0;
}
