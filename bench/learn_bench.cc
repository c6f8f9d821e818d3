// Google Benchmark for learn's real-time observation:
//   - BM_CsmCallToObservation: from the moment a child's SDK hands a CSM
//     datagram to the kernel (sendto on loopback) until Audex's listener
//     thread has it, per call (manual time; counters p50_us and p99_us
//     are over the 10,000 calls).
//   - BM_CollectCall: parsing and collecting one call's two datagrams
//     (ApiCallAttempt + ApiCall), the work done per call after the child.
//   - BM_LearnPolicy: mapping 1,000 observed calls to the recommendation.
// bench/learn_overhead.sh measures what the listener adds to a real child.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "adapters/aws/csm_listener.h"
#include "catalog/learned_policy.h"
#include "core/wire/csm_event.h"

namespace {

const std::string kAttempt =
    R"({"Version":1,"ClientId":"sess-1","Type":"ApiCallAttempt","Service":"S3","Api":"GetObject",)"
    R"("Timestamp":1795888997729,"AttemptLatency":12,"Fqdn":"127.0.0.1:5000",)"
    R"("UserAgent":"aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux","AccessKey":"ASIASESSION",)"
    R"("Region":"us-east-1","SessionToken":"FQoGZXIvYXdzEXAMPLE","HttpStatusCode":200,)"
    R"("XAmzRequestId":"abc","XAmzId2":"def"})";
const std::string kCall =
    R"({"Version":1,"ClientId":"sess-1","Type":"ApiCall","Service":"S3","Api":"GetObject",)"
    R"("Timestamp":1795888997731,"AttemptCount":1,"Latency":14,"FinalHttpStatusCode":200,)"
    R"("MaxRetriesExceeded":0})";

void BM_CsmCallToObservation(benchmark::State& state) {
  std::atomic<uint64_t> seen{0};
  auto listener = audex::CsmListener::Start(
      [&](std::string_view) { seen.fetch_add(1, std::memory_order_release); });
  if (!listener) {
    state.SkipWithError(listener.error().message.c_str());
    return;
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons((*listener)->port());
  uint64_t sent = 0;
  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<size_t>(state.max_iterations));
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    ::sendto(fd, kCall.data(), kCall.size(), 0, reinterpret_cast<sockaddr*>(&address),
             sizeof address);
    ++sent;
    while (seen.load(std::memory_order_acquire) < sent) {
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    latencies_us.push_back(seconds * 1e6);
  }
  // The median and 99th percentile over every call, not over repetitions.
  std::sort(latencies_us.begin(), latencies_us.end());
  if (!latencies_us.empty()) {
    state.counters["p50_us"] = latencies_us[latencies_us.size() / 2];
    state.counters["p99_us"] = latencies_us[latencies_us.size() * 99 / 100];
  }
  ::close(fd);
  (*listener)->Stop();
}
BENCHMARK(BM_CsmCallToObservation)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(10000);

void BM_CollectCall(benchmark::State& state) {
  audex::CsmCallCollector collector("sess-1", "ASIASESSION");
  for (auto _ : state) {
    collector.Add(kAttempt);
    collector.Add(kCall);
  }
  benchmark::DoNotOptimize(collector.calls().size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CollectCall)->Unit(benchmark::kMicrosecond);

void BM_LearnPolicy(benchmark::State& state) {
  std::vector<audex::ObservedCall> calls;
  const char* operations[][2] = {
      {"S3", "GetObject"},          {"S3", "ListObjectsV2"},
      {"S3", "PutObject"},          {"DynamoDB", "Query"},
      {"STS", "GetCallerIdentity"}, {"CloudWatch Logs", "PutLogEvents"},
      {"Lambda", "Invoke"},         {"Secrets Manager", "GetSecretValue"}};
  for (int i = 0; i < 1000; ++i) {
    audex::ObservedCall call;
    call.service = operations[i % 8][0];
    call.operation = operations[i % 8][1];
    call.http_status = 200;
    calls.push_back(call);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(audex::LearnPolicy(audex::ActionCatalog::Builtin(), calls));
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_LearnPolicy)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
