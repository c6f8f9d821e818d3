// grant_load: a load generator for the team server's POST /v1/grants that
// costs the machine as little as it can, so that on a small box the
// server's figures are the server's and not the client's (a Python
// threaded client spends about as much CPU per request as the server).
// Each client thread keeps one HTTP/1.1 keep-alive connection (cpp-httplib)
// and sends its next request when the last reply is in (a closed loop).
// Prints one JSON object, in team_load.py's shape: status counts, seconds,
// p50_ms, p99_ms, and "broken" (no reply). Loopback only.
//
//   audex_grant_load --url http://127.0.0.1:PORT --token TOKEN --count N
//                    [--concurrency C] [--body JSON]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

struct Options {
  std::string url;
  std::string token;
  long count = 0;
  long concurrency = 16;
  std::string body = R"({"allow":"s3:GetObject","ttl":"15m"})";
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "audex_grant_load: " << problem
            << "\nusage: audex_grant_load --url http://127.0.0.1:PORT --token TOKEN --count N "
               "[--concurrency C] [--body JSON]\n";
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--url") {
      options.url = value;
    } else if (flag == "--token") {
      options.token = value;
    } else if (flag == "--count") {
      options.count = std::atol(value.c_str());
    } else if (flag == "--concurrency") {
      options.concurrency = std::atol(value.c_str());
    } else if (flag == "--body") {
      options.body = value;
    } else {
      Usage("unknown flag " + flag);
    }
  }
  if (options.url.rfind("http://127.", 0) != 0) Usage("--url must be http://127.x.x.x:PORT");
  if (options.token.empty()) Usage("--token is required");
  if (options.count <= 0) Usage("--count must be a positive number");
  if (options.concurrency <= 0 || options.concurrency > 1024) {
    Usage("--concurrency must be 1..1024");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  std::atomic<long> next{0};
  std::mutex mutex;
  std::map<int, long> statuses;
  long broken = 0;
  std::vector<std::string> errors;
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(options.count));

  const auto worker = [&] {
    httplib::Client client(options.url);
    client.set_keep_alive(true);
    // Headers and body leave in two writes: without this, the body waits
    // for the server's delayed ACK (40 ms).
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(30, 0);
    const httplib::Headers headers{{"Authorization", "Bearer " + options.token}};
    std::vector<double> mine;
    std::map<int, long> my_statuses;
    size_t broken_here = 0;
    while (next.fetch_add(1) < options.count) {
      const auto started = std::chrono::steady_clock::now();
      auto reply = client.Post("/v1/grants", headers, options.body, "application/json");
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      if (!reply) {
        std::lock_guard lock(mutex);
        ++broken;
        if (errors.size() < 20) {
          errors.push_back(httplib::to_string(reply.error()) + " (request " +
                           std::to_string(mine.size() + broken_here) + " of its connection)");
        }
        ++broken_here;
        continue;
      }
      ++my_statuses[reply->status];
      mine.push_back(ms);
    }
    std::lock_guard lock(mutex);
    latencies.insert(latencies.end(), mine.begin(), mine.end());
    for (const auto& [status, count] : my_statuses) statuses[status] += count;
  };

  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (long i = 0; i < options.concurrency; ++i) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  nlohmann::ordered_json result;
  nlohmann::ordered_json status = nlohmann::ordered_json::object();
  for (const auto& [code, count] : statuses) status[std::to_string(code)] = count;
  result["status"] = status;
  result["broken"] = broken;
  result["errors"] = errors;
  result["seconds"] = seconds;
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    result["p50_ms"] = latencies[latencies.size() / 2];
    result["p99_ms"] =
        latencies[std::min(latencies.size() - 1, static_cast<size_t>(latencies.size() * 0.99))];
  }
  std::cout << result.dump() << '\n';
  return 0;
}
