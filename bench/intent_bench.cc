// tryaudex intent without the network: the offline parser on typical
// sentences, reading a Claude answer, and the catalog check of the result.
// The parser runs once per command, so microseconds are the goal; a
// regression to milliseconds would show here first.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/intent_check.h"
#include "core/intent/intent.h"
#include "catalog/intent/offline_intent.h"

namespace {

const std::vector<std::string>& Sentences() {
  static const std::vector<std::string> sentences = {
      "Read from S3 bucket and invoke a Lambda function",
      "Read only from my-bucket in S3",
      "Read from input-data in S3 and write to the pipeline-results table",
      "Receive and delete messages from SQS queue jobs-dlq",
      "Push docker images to the ECR repository web-app",
      "Read the secret prod/db-password from Secrets Manager",
      "Read CloudWatch logs from log group /aws/lambda/api",
      "Read from S3 but never delete anything",
  };
  return sentences;
}

void BM_OfflineParse(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto result =
        audex::ParseIntentOffline(Sentences()[i++ % Sentences().size()], audex::Provider::kAws);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_OfflineParse);

void BM_ParseClaudeReply(benchmark::State& state) {
  const std::string reply =
      "Here you go:\n```json\n{\"allow\": \"s3:GetObject,s3:ListBucket,dynamodb:PutItem\", "
      "\"resource\": \"arn:aws:s3:::my-bucket/*,arn:aws:s3:::my-bucket\", \"description\": "
      "\"Read a bucket and write a table\"}\n```";
  for (auto _ : state) {
    auto policy = audex::ParseIntentReply(reply);
    benchmark::DoNotOptimize(policy);
  }
}
BENCHMARK(BM_ParseClaudeReply);

void BM_CheckIntent(benchmark::State& state) {
  const audex::IntentPolicy proposed{
      {"s3:GetObject", "s3:ListBucket", "dynamodb:PutItem", "s3:GetObjekt", "lambda:Invoke*"},
      {"arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket"},
      "x"};
  const audex::ActionCatalog& catalog = audex::ActionCatalog::Builtin();
  for (auto _ : state) {
    auto checked = audex::CheckIntent(proposed, audex::Provider::kAws, catalog, "bench");
    benchmark::DoNotOptimize(checked);
  }
}
BENCHMARK(BM_CheckIntent);

}  // namespace

BENCHMARK_MAIN();
