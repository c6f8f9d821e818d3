// Google Benchmark timings of the AWS action catalog (issue 4's benchmark):
// expanding 10,000 mixed patterns drawn from the real catalog, and
// compressing 1,000 random action sets back into patterns.
//
// The patterns are generated with a fixed seed, so every run (and node, via
// the file --write-patterns makes) sees the same ones. Two extra modes serve
// bench/compare_catalog.sh, which holds the result against iam-expand:
//
//   audex_catalog_bench --write-patterns=FILE   the 10,000 patterns, one a line
//   audex_catalog_bench --expand-file=FILE [--passes=N] [--counts]
//       expands every line of FILE: a warm-up pass, then N timed passes
//       (default 20); prints the total number of actions expanded (summed
//       over patterns) and the median pass time, then the median time of
//       each kind of pattern (exact, prefix, ...) on its own; --counts also prints
//       "COUNT<TAB>PATTERN" for every line, for diffing against node.
//
// Anything else goes to Google Benchmark (--benchmark_filter=... and so on).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/action_compression.h"

namespace {

using audex::ActionCatalog;
using audex::ActionId;

enum class Kind { kExact, kPrefix, kInfix, kService, kQuestion, kAllServices };

struct Pattern {
  std::string text;
  Kind kind;
};

// How many of each kind make up the 10,000.
constexpr size_t kExactCount = 4500;      // "S3:getOBJECT": a real name in random case
constexpr size_t kPrefixCount = 2500;     // "s3:GetObj*"
constexpr size_t kInfixCount = 1500;      // "ec2:Describe*Instances"
constexpr size_t kServiceCount = 1000;    // "s3:*"
constexpr size_t kQuestionCount = 460;    // "s3:GetObj?ct": one letter left open
constexpr size_t kAllServicesCount = 40;  // "*:*" and "*:Get*", 20 of each
constexpr size_t kPatternCount =
    kExactCount + kPrefixCount + kInfixCount + kServiceCount + kQuestionCount + kAllServicesCount;
static_assert(kPatternCount == 10000);

constexpr size_t kCompressSetCount = 1000;

const ActionCatalog& Catalog() { return ActionCatalog::Builtin(); }

// Uniform in [0, n) without std::uniform_int_distribution, whose output the
// standard leaves to the library: the patterns must not change with it.
size_t Below(std::mt19937_64& random, size_t n) { return static_cast<size_t>(random() % n); }

std::string RandomCase(std::string_view text, std::mt19937_64& random) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>((random() & 1) != 0 ? std::toupper(u) : std::tolower(u));
  }
  return out;
}

// The CamelCase words of an action name: "DescribeInstances" -> {"Describe",
// "Instances"}.
std::vector<std::string_view> Words(std::string_view name) {
  std::vector<std::string_view> words;
  size_t start = 0;
  for (size_t i = 1; i <= name.size(); ++i) {
    if (i == name.size() || std::isupper(static_cast<unsigned char>(name[i])) != 0) {
      words.push_back(name.substr(start, i - start));
      start = i;
    }
  }
  return words;
}

std::vector<Pattern> MakePatterns() {
  const ActionCatalog& catalog = Catalog();
  const std::vector<audex::ServiceInfo> services = catalog.Services();
  std::mt19937_64 random(20260926);
  std::vector<Pattern> patterns;
  patterns.reserve(kPatternCount);
  // Actions are drawn uniformly over the catalog, so big services (ec2, s3)
  // come up about as often as they do in real policies; "svc:*" draws
  // services uniformly.
  auto random_action = [&] {
    return catalog.Get(static_cast<ActionId>(Below(random, catalog.action_count())));
  };
  auto full = [](const audex::Action& action, std::string_view name) {
    return std::string(action.service()) + ":" + std::string(name);
  };

  for (size_t i = 0; i < kExactCount; ++i) {
    patterns.push_back({RandomCase(random_action().FullName(), random), Kind::kExact});
  }
  for (size_t i = 0; i < kPrefixCount; ++i) {
    const audex::Action action = random_action();
    const std::string_view name = action.name();
    const size_t keep = 1 + Below(random, std::max<size_t>(name.size() - 1, 1));
    patterns.push_back({full(action, name.substr(0, keep)) + "*", Kind::kPrefix});
  }
  for (size_t i = 0; i < kInfixCount; ++i) {
    // First word * last word ("Describe*Instances"); a one-word name keeps
    // its first and last letters ("L*t").
    const audex::Action action = random_action();
    const std::vector<std::string_view> words = Words(action.name());
    std::string infix;
    if (words.size() >= 2) {
      infix = std::string(words.front()) + "*" + std::string(words.back());
    } else {
      infix = std::string(action.name().substr(0, 1)) + "*" +
              std::string(action.name().substr(action.name().size() - 1));
    }
    patterns.push_back({full(action, infix), Kind::kInfix});
  }
  for (size_t i = 0; i < kServiceCount; ++i) {
    patterns.push_back(
        {std::string(services[Below(random, services.size())].prefix) + ":*", Kind::kService});
  }
  for (size_t i = 0; i < kQuestionCount; ++i) {
    const audex::Action action = random_action();
    std::string name(action.name());
    name[Below(random, name.size())] = '?';
    patterns.push_back({full(action, name), Kind::kQuestion});
  }
  for (size_t i = 0; i < kAllServicesCount; ++i) {
    patterns.push_back({i % 2 == 0 ? "*:*" : "*:Get*", Kind::kAllServices});
  }
  std::shuffle(patterns.begin(), patterns.end(), random);
  return patterns;
}

const std::vector<Pattern>& Patterns() {
  static const std::vector<Pattern> patterns = MakePatterns();
  return patterns;
}

// 1,000 sets: each takes 1 to 3 random services and keeps each of their
// actions with a probability drawn per service from 5% to 95%.
std::vector<std::vector<ActionId>> MakeCompressSets() {
  const std::vector<audex::ServiceInfo> services = Catalog().Services();
  std::mt19937_64 random(4096);
  std::vector<std::vector<ActionId>> sets;
  sets.reserve(kCompressSetCount);
  while (sets.size() < kCompressSetCount) {
    std::vector<ActionId> set;
    const size_t service_count = 1 + Below(random, 3);
    for (size_t s = 0; s < service_count; ++s) {
      const audex::ServiceInfo& service = services[Below(random, services.size())];
      const uint64_t keep_percent = 5 + Below(random, 91);
      for (ActionId id = service.first_action; id < service.end_action; ++id) {
        if (Below(random, 100) < keep_percent) set.push_back(id);
      }
    }
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    if (!set.empty()) sets.push_back(std::move(set));
  }
  return sets;
}

const std::vector<std::vector<ActionId>>& CompressSets() {
  static const std::vector<std::vector<ActionId>> sets = MakeCompressSets();
  return sets;
}

// Expands every pattern; the number of actions summed over patterns, or -1
// when one of them is an error.
int64_t ExpandAll(std::span<const Pattern> patterns) {
  int64_t total = 0;
  for (const Pattern& pattern : patterns) {
    auto expanded = Catalog().Expand(pattern.text);
    if (!expanded) return -1;
    total += static_cast<int64_t>(expanded->size());
    benchmark::DoNotOptimize(expanded);
  }
  return total;
}

void ExpandMixed10k(benchmark::State& state) {
  const std::vector<Pattern>& patterns = Patterns();
  const int64_t total = ExpandAll(patterns);
  if (total < 0) return state.SkipWithError("a generated pattern failed to expand");
  for (auto _ : state) {
    benchmark::DoNotOptimize(ExpandAll(patterns));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * patterns.size()));
  state.counters["patterns"] = static_cast<double>(patterns.size());
  state.counters["actions"] = static_cast<double>(total);
}
BENCHMARK(ExpandMixed10k)->Unit(benchmark::kMillisecond);

// The same 10,000, one kind at a time, to see where the time goes.
void ExpandKind(benchmark::State& state, Kind kind) {
  std::vector<Pattern> patterns;
  for (const Pattern& pattern : Patterns()) {
    if (pattern.kind == kind) patterns.push_back(pattern);
  }
  const int64_t total = ExpandAll(patterns);
  if (total < 0) return state.SkipWithError("a generated pattern failed to expand");
  for (auto _ : state) {
    benchmark::DoNotOptimize(ExpandAll(patterns));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * patterns.size()));
  state.counters["patterns"] = static_cast<double>(patterns.size());
  state.counters["actions"] = static_cast<double>(total);
}
BENCHMARK_CAPTURE(ExpandKind, exact, Kind::kExact)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ExpandKind, prefix, Kind::kPrefix)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ExpandKind, infix, Kind::kInfix)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ExpandKind, service, Kind::kService)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ExpandKind, question, Kind::kQuestion)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ExpandKind, all_services, Kind::kAllServices)->Unit(benchmark::kMicrosecond);

// Checks expand(compress(S)) == S for one set.
bool RoundTrips(const std::vector<ActionId>& set, const std::vector<audex::PackedPattern>& packed) {
  std::vector<ActionId> expanded;
  for (const audex::PackedPattern& pattern : packed) {
    auto ids = Catalog().Expand(pattern.text);
    if (!ids) return false;
    expanded.insert(expanded.end(), ids->begin(), ids->end());
  }
  std::sort(expanded.begin(), expanded.end());
  expanded.erase(std::unique(expanded.begin(), expanded.end()), expanded.end());
  return expanded == set;
}

void Compress1k(benchmark::State& state) {
  const std::vector<std::vector<ActionId>>& sets = CompressSets();
  size_t actions = 0;
  size_t patterns = 0;
  size_t wildcards = 0;
  for (const std::vector<ActionId>& set : sets) {
    const std::vector<audex::PackedPattern> packed = audex::CompressActions(Catalog(), set);
    if (!RoundTrips(set, packed)) return state.SkipWithError("expand(compress(S)) != S");
    actions += set.size();
    patterns += packed.size();
    wildcards += static_cast<size_t>(
        std::count_if(packed.begin(), packed.end(), [](const auto& p) { return p.is_wildcard(); }));
  }
  for (auto _ : state) {
    for (const std::vector<ActionId>& set : sets) {
      auto packed = audex::CompressActions(Catalog(), set);
      benchmark::DoNotOptimize(packed);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * sets.size()));
  state.counters["sets"] = static_cast<double>(sets.size());
  state.counters["actions"] = static_cast<double>(actions);
  state.counters["patterns_out"] = static_cast<double>(patterns);
  state.counters["wildcards_out"] = static_cast<double>(wildcards);
}
BENCHMARK(Compress1k)->Unit(benchmark::kMillisecond);

// --write-patterns=FILE
int WritePatterns(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  for (const Pattern& pattern : Patterns()) out << pattern.text << '\n';
  out.close();
  if (!out) {
    std::cerr << "audex_catalog_bench: cannot write " << path << "\n";
    return 2;
  }
  std::cout << "wrote " << Patterns().size() << " patterns to " << path << "\n";
  return 0;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0.0 : values[values.size() / 2];
}

// A pattern's kind from its text alone: "all-services" (a wildcard in the
// service part), "exact", "service" (svc:*), "prefix" (one trailing '*'),
// "question" (a '?' and no '*'), else "infix".
constexpr const char* kKindNames[] = {"exact",   "prefix",   "infix",
                                      "service", "question", "all-services"};
std::string_view KindOf(std::string_view pattern) {
  const size_t colon = pattern.find(':');
  const std::string_view service = pattern.substr(0, colon);
  const std::string_view action = colon == std::string_view::npos ? "" : pattern.substr(colon + 1);
  if (service.find_first_of("*?") != std::string_view::npos) return "all-services";
  const size_t first_wild = action.find_first_of("*?");
  if (first_wild == std::string_view::npos) return "exact";
  if (action == "*") return "service";
  if (first_wild == action.size() - 1 && action.back() == '*') return "prefix";
  if (action.find('*') == std::string_view::npos) return "question";
  return "infix";
}

// --expand-file=FILE [--passes=N] [--counts]
int ExpandFile(const std::string& path, int passes, bool counts) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "audex_catalog_bench: cannot read " << path << "\n";
    return 2;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  int64_t total = 0;
  size_t errors = 0;
  for (const std::string& line : lines) {  // the warm-up pass, and the check
    auto expanded = Catalog().Expand(line);
    const size_t count = expanded ? expanded->size() : 0;
    if (!expanded) ++errors;
    total += static_cast<int64_t>(count);
    if (counts) std::cout << count << '\t' << line << '\n';
  }
  std::vector<double> millis;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& line : lines) {
      auto expanded = Catalog().Expand(line);
      benchmark::DoNotOptimize(expanded);
    }
    const auto stop = std::chrono::steady_clock::now();
    millis.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::printf("audex patterns=%zu expanded=%lld errors=%zu passes=%d median_ms=%.3f min_ms=%.3f\n",
              lines.size(), static_cast<long long>(total), errors, passes, Median(millis),
              *std::min_element(millis.begin(), millis.end()));
  // The same, one syntactic kind at a time (bench/iam-expand/expand.mjs
  // classifies the lines the same way).
  for (const char* kind : kKindNames) {
    std::vector<std::string_view> subset;
    for (const std::string& line : lines) {
      if (KindOf(line) == kind) subset.push_back(line);
    }
    std::vector<double> kind_millis;
    for (int pass = 0; pass < passes; ++pass) {
      const auto start = std::chrono::steady_clock::now();
      for (std::string_view line : subset) {
        auto expanded = Catalog().Expand(line);
        benchmark::DoNotOptimize(expanded);
      }
      const auto stop = std::chrono::steady_clock::now();
      kind_millis.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::printf("audex kind=%s patterns=%zu median_ms=%.3f\n", kind, subset.size(),
                Median(kind_millis));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string write_path;
  std::string expand_path;
  int passes = 20;
  bool counts = false;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--write-patterns=")) {
      write_path = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--expand-file=")) {
      expand_path = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--passes=")) {
      passes = std::max(1, std::stoi(std::string(arg.substr(arg.find('=') + 1))));
    } else if (arg == "--counts") {
      counts = true;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!write_path.empty()) return WritePatterns(write_path);
  if (!expand_path.empty()) return ExpandFile(expand_path, passes, counts);

  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
