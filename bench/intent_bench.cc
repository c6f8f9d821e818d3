// tryaudex intent without the network: the offline parser on typical
// sentences, reading a Claude answer, and the catalog check of the result.
// The parser runs once per command: the goal is well under 5 ms per
// sentence, including the lexicon it builds from the catalog on its first
// call (BM_BuildOfflineLexicon), so that a regression shows here first.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/intent/offline_intent.h"
#include "catalog/intent/offline_lexicon.h"
#include "catalog/intent_check.h"
#include "catalog/resource_formats.h"
#include "core/intent/intent.h"

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
      // Services only the catalog knows, and operations of several actions.
      "Describe the CloudFormation stack web",
      "Read the Glue table sales in database analytics",
      "List the Step Functions executions of state machine order-flow",
      "Copy objects from bucket source-data to bucket archive",
      "Read everything under the SSM path /app/prod",
      "Set the desired capacity of the auto scaling group web-asg",
      "Decrypt with the KMS alias alias/app-secrets",
      "Invoke the Bedrock model anthropic.claude-3-haiku",
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

// What the first offline parse of a process pays once: the catalog's
// service names and resource nouns as a lexicon.
void BM_BuildOfflineLexicon(benchmark::State& state) {
  for (auto _ : state) {
    audex::CatalogLexicon lexicon(audex::ActionCatalog::Builtin(),
                                  audex::ResourceFormats::Builtin());
    benchmark::DoNotOptimize(lexicon);
  }
}
BENCHMARK(BM_BuildOfflineLexicon)->Unit(benchmark::kMicrosecond);

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
