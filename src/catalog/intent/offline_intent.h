// The offline intent parser: a sentence ("Read only from my-bucket in S3",
// "describe the CloudFormation stack web") to an IntentPolicy without any
// network. It reads the sentence (core/intent/offline_lexer.h), recognises
// services and resource types from the action catalog and a small table of
// the words people use, picks actions by the verb's access levels and the
// catalog's action names (or a recipe, for operations that need several
// actions: offline_rules.h), and writes ARNs from the catalog's formats with
// "*" for what the sentence does not say. Deterministic; it says when it
// guessed (confidence kLow and a warning per guess) and fails when it
// understood no verb, no service, or nothing it could grant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/resource_formats.h"
#include "core/base/result.h"
#include "core/intent/intent.h"
#include "core/intent/offline_lexer.h"
#include "core/policy/provider.h"

namespace audex {

enum class IntentConfidence { kHigh, kLow };

struct OfflineIntent {
  // AWS answers carry their exact statements (policy.statements): one per
  // resource list, so that "copy from a to b" never grants the write on a.
  IntentPolicy policy;
  IntentConfidence confidence = IntentConfidence::kHigh;
  std::vector<std::string> warnings;  // each guess, ignored word or limitation, one line each
};

// AWS: native actions and ARNs, from the embedded catalog. GCP and Azure:
// the actions of the universal names the sentence maps to (storage:read,
// database:write, ...); named resources are not turned into restrictions
// there (a warning says so). Errors are kPolicy and name what was missing,
// with the ways out (--allow on tryaudex run, or ANTHROPIC_API_KEY for
// Claude); an empty sentence is kUsage.
Result<OfflineIntent> ParseIntentOffline(std::string_view sentence, Provider provider);

// The same on a given catalog, its resource formats and a lexicon of them
// (CatalogLexicon).
Result<OfflineIntent> ParseIntentOffline(std::string_view sentence, Provider provider,
                                         const ActionCatalog& catalog,
                                         const ResourceFormats& formats,
                                         const offline_intent::Lexicon& lexicon);

// Every AWS action a recipe of the parser names, for the test that holds
// them to the action catalog.
std::vector<std::string> OfflineIntentRecipeActions();

}  // namespace audex
