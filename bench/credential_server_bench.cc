// One credential fetch from the --serve endpoint, in process: a loopback
// HTTP GET with the token through the libcurl client, the constant-time
// token check, and the container-credentials JSON of real-sized
// credentials. Run: build/bench/audex_credserver_bench
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "adapters/credserver/credential_server.h"
#include "adapters/http/curl_http_client.h"
#include "core/credentials/served_credentials.h"

namespace audex {
namespace {

AwsCredentials RealSized() {
  AwsCredentials credentials;
  credentials.access_key_id = "ASIA" + std::string(16, 'X');
  credentials.secret_access_key = SecretString(std::string(40, 's'));
  credentials.session_token = SecretString(std::string(900, 't'));  // AWS tokens are ~800-1000
  credentials.expiration = std::chrono::system_clock::now() + std::chrono::hours(1);
  return credentials;
}

void BM_EndpointFetch(benchmark::State& state) {
  const std::string token(64, 'a');
  const AwsCredentials credentials = RealSized();
  auto server = CredentialServer::Start(SecretString(token), [&credentials] {
    return CredentialReply{200, ContainerCredentialsJson(credentials)};
  });
  if (!server) {
    state.SkipWithError("cannot start the endpoint");
    return;
  }
  CurlHttpClient http;
  HttpRequest request;
  request.url = (*server)->url();
  request.headers.emplace_back("Authorization", token);
  for (auto _ : state) {
    auto reply = http.Send(request);
    if (!reply || reply->status != 200) {
      state.SkipWithError("fetch failed");
      return;
    }
    benchmark::DoNotOptimize(reply->body.data());
  }
}
BENCHMARK(BM_EndpointFetch)->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly();

void BM_TokenCheck(benchmark::State& state) {
  const std::string token(64, 'a');
  std::string presented = token;
  presented.back() = 'b';
  for (auto _ : state) benchmark::DoNotOptimize(AuthorizationMatches(token, presented));
}
BENCHMARK(BM_TokenCheck);

}  // namespace
}  // namespace audex

BENCHMARK_MAIN();
