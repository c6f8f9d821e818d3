// The sandbox's own cost (issue 15): RunChild of /bin/true directly and in
// the sandbox, with a plan that hides five existing directories (as a HOME
// with ~/.aws, gcloud's and Azure's configuration and Audex's state
// would). No tryaudex start-up, no audit log, no fsync: only the spawn,
// the namespaces, the mounts, the init and the wait. Run with
// --benchmark_enable_random_interleaving=true --benchmark_repetitions=N so
// that a shared machine's load falls on both alike; bench/sandbox_overhead.sh
// times the whole `tryaudex run`.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "adapters/process/child_process.h"
#include "adapters/process/sandbox.h"
#include "core/credentials/sandbox_plan.h"

namespace {

const audex::SandboxPlan& FivePaths() {
  static const audex::SandboxPlan plan = [] {
    char pattern[] = "/tmp/audex-spawn-bench.XXXXXX";
    const std::filesystem::path home = mkdtemp(pattern);
    audex::SandboxPlan made;
    for (const char* dir :
         {".aws", ".config/gcloud", ".azure", ".config/audex", ".local/state/audex"}) {
      std::filesystem::create_directories(home / dir);
      made.hidden.push_back({(home / dir).string(), "bench"});
    }
    return made;
  }();
  return plan;
}

void Spawn(benchmark::State& state) {
  const bool sandboxed = state.range(0) != 0;
  if (sandboxed && !audex::ProbeSandbox().available) {
    state.SkipWithError(("no sandbox here: " + audex::ProbeSandbox().reason).c_str());
    return;
  }
  const audex::Environment environment = {{"PATH", "/usr/bin:/bin"}};
  const audex::SandboxPlan* plan = sandboxed ? &FivePaths() : nullptr;
  for (auto _ : state) {
    auto outcome = audex::RunChild({"/bin/true"}, environment, plan);
    if (!outcome || outcome->exit_code != 0) {
      state.SkipWithError("the child failed");
      return;
    }
  }
  state.SetLabel(sandboxed ? "sandbox" : "direct");
}
BENCHMARK(Spawn)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
