// The offline intent parser: a sentence ("Read only from my-bucket in S3")
// to an IntentPolicy without any network, by rules — verbs (read, list,
// write, invoke, ...), services and their everyday names (S3, bucket,
// DynamoDB, table, Lambda, function, queue, topic, ...), named resources
// (bucket and table names, s3:// URLs, ARNs) and the universal names of
// core/universal.h. Deterministic and pure. It says when it guessed
// (confidence kLow and a warning per guess) and fails when it understood
// no verb or no service.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/intent/intent.h"
#include "core/provider.h"
#include "core/result.h"

namespace audex {

enum class IntentConfidence { kHigh, kLow };

struct OfflineIntent {
  IntentPolicy policy;
  IntentConfidence confidence = IntentConfidence::kHigh;
  std::vector<std::string> warnings;  // each guess, ignored word or limitation, one line each
};

// AWS: native actions and ARNs. GCP and Azure: the actions of the universal
// names the sentence maps to (storage:read, database:write, ...); named
// resources are not turned into restrictions there (a warning says so).
// Errors are kPolicy and name what was missing, with the ways out
// (--allow on tryaudex run, or ANTHROPIC_API_KEY for Claude).
Result<OfflineIntent> ParseIntentOffline(std::string_view sentence, Provider provider);

// Every AWS action a rule of the parser can produce, for the test that
// holds them to the action catalog.
std::vector<std::string> OfflineIntentAwsActions();

}  // namespace audex
