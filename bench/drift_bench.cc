// Google Benchmark timings of the drift computation on the built-in catalog:
// how long ComputeRolePermissions + CompareWithExpected take for roles of
// three shapes — a few exact actions, an AWS-managed-style read-only policy
// of service wildcards, and an Allow NotAction (every catalog action is a
// candidate, the worst case) with a Deny.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "catalog/catalog_universe.h"
#include "core/policy/drift.h"

namespace {

using audex::NamedPolicy;
using audex::RolePolicies;

RolePolicies RoleOf(const char* json) {
  RolePolicies role;
  role.identity.push_back(NamedPolicy{"inline policy bench", *audex::ParsePolicy(json)});
  return role;
}

void Run(benchmark::State& state, const RolePolicies& role) {
  const std::vector<std::string> expected = {"s3:GetObject", "s3:ListBucket"};
  size_t granted = 0;
  for (auto _ : state) {
    const auto permissions = audex::ComputeRolePermissions(role, audex::BuiltinAwsActions());
    const auto report = audex::CompareWithExpected(permissions, expected);
    granted = report.granted_count;
    benchmark::DoNotOptimize(report);
  }
  state.counters["granted"] = static_cast<double>(granted);
}

void BM_DriftExactActions(benchmark::State& state) {
  Run(state, RoleOf(R"({"Statement":[{"Effect":"Allow","Resource":"*","Action":[
      "s3:GetObject","s3:ListBucket","ec2:DescribeInstances","dynamodb:ListTables"]}]})"));
}
BENCHMARK(BM_DriftExactActions)->Unit(benchmark::kMillisecond);

void BM_DriftReadOnlyWildcards(benchmark::State& state) {
  Run(state, RoleOf(R"({"Statement":[{"Effect":"Allow","Resource":"*","Action":[
      "s3:Get*","s3:List*","ec2:Describe*","dynamodb:Describe*","dynamodb:List*","iam:Get*",
      "iam:List*","lambda:Get*","lambda:List*","logs:Get*","logs:Describe*","cloudwatch:Get*",
      "cloudwatch:List*","cloudwatch:Describe*","rds:Describe*","sqs:Get*","sqs:List*"]}]})"));
}
BENCHMARK(BM_DriftReadOnlyWildcards)->Unit(benchmark::kMillisecond);

void BM_DriftNotActionWithDeny(benchmark::State& state) {
  Run(state, RoleOf(R"({"Statement":[
      {"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
      {"Effect":"Deny","Action":["s3:Delete*","ec2:Terminate*"],"Resource":"*"}]})"));
}
BENCHMARK(BM_DriftNotActionWithDeny)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
