// From an API call (SDK service id or CloudTrail event source, and the
// operation name) to the IAM actions it needs. Plain name matching against
// the catalog covers most operations; a maintained exception table covers
// the known mismatches (spec/cloud-facts.md: ListObjectsV2 -> s3:ListBucket,
// Invoke -> lambda:InvokeFunction, ...), calls that need more than one
// action, and calls that need none. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "core/wire/observed_call.h"

namespace audex {

// The IAM prefix for an SDK serviceId as CSM reports it ("S3" -> "s3",
// "CloudWatch Logs" -> "logs", "SFN" -> "states"): a table of the names
// that differ, then the lower-cased id with spaces removed or turned into
// hyphens when the catalog knows that prefix. nullopt when neither fits.
std::optional<std::string> IamPrefixForServiceId(const ActionCatalog& catalog,
                                                 std::string_view service_id);

// The IAM prefix for a CloudTrail eventSource ("s3.amazonaws.com" -> "s3",
// "monitoring.amazonaws.com" -> "cloudwatch").
std::optional<std::string> IamPrefixForEventSource(const ActionCatalog& catalog,
                                                   std::string_view event_source);

// An action a call may need only with some parameters (tags on create, a
// role passed), which the observation cannot see.
struct ConditionalAction {
  std::string action;
  std::string when;  // "when the request carries tags"
};

enum class MappingSource {
  kExceptionTable,  // a maintained entry
  kSameName,        // "prefix:Operation" is an action in the catalog
  kNoPermission,    // the call needs no IAM permission (sts:GetCallerIdentity)
  kUnknown,         // no action known: reported, never guessed
};

struct OperationMapping {
  MappingSource source = MappingSource::kUnknown;
  std::vector<std::string> actions;  // canonical "s3:ListBucket"; every one is needed
  std::vector<ConditionalAction> conditional;
};

// Maps `operation` of IAM service `prefix`. CloudTrail's versioned event
// names ("CreateFunction20150331", "UpdateFunctionCode20150331v2") are
// matched without the API version suffix.
OperationMapping MapOperation(const ActionCatalog& catalog, std::string_view prefix,
                              std::string_view operation);

// The exception table, for tests and documentation.
struct OperationException {
  std::string_view prefix;
  std::string_view operation;
  std::vector<std::string_view> actions;  // empty: needs no permission
  std::vector<ConditionalAction> conditional;
};
const std::vector<OperationException>& OperationExceptions();

// The service-id table (only the ids whose prefix is not the id itself
// lower-cased with spaces removed).
const std::vector<std::pair<std::string_view, std::string_view>>& ServiceIdPrefixes();
const std::vector<std::pair<std::string_view, std::string_view>>& EventSourcePrefixes();

}  // namespace audex
