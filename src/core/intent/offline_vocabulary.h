// The offline intent parser's hand-written words: the verbs people use and
// what each asks for, the small words that join, negate or carry nothing,
// and the everyday names of services and resources that the action catalog
// does not spell ("Parameter Store", "bucket", "queue"). Data only; the
// services, resource types and actions themselves come from the catalog
// (catalog/intent/offline_intent.h).
#pragma once

#include <map>
#include <string_view>
#include <vector>

namespace audex::offline_intent {

// What a verb asks for. kNamed is a verb the catalog's action names start
// with as it is written ("rotate" -> RotateSecret, "detect" ->
// DetectLabels); the others are classes of everyday verbs.
enum class Verb {
  kRead,
  kList,
  kDescribe,
  kWrite,
  kUpdate,
  kDelete,
  kCreate,
  kInvoke,
  kDeploy,
  kStart,
  kStop,
  kReboot,
  kTerminate,
  kQuery,
  kScan,
  kTail,
  kSend,
  kReceive,
  kPublish,
  kSubscribe,
  kDecrypt,
  kEncrypt,
  kGenerate,
  kPurge,
  kCopy,
  kPush,
  kPull,
  kManage,  // "manage", "full access": read, list, write and delete, with a warning
  kNamed,
};

enum class WordKind {
  kVerb,
  kService,        // "s3", "parameter store"
  kNoun,           // "bucket", "table": a resource type, possibly of several services
  kConnector,      // "and", ",", "then", "but"
  kOr,             // "or", "nor": joins without ending a negation
  kNegation,       // "not", "never", "without"
  kNameMarker,     // "named", "called"
  kPreposition,    // "from", "to", "under", "of": says how a resource takes part
  kPossessive,     // "their", "its": the next noun belongs to the one before
  kSelection,      // "old", "all": deleting such objects needs a listing first
  kAccountMarker,  // "account" before a 12-digit id
  kStop,           // carries nothing here: "the", "only", "please"
};

struct Lexeme {
  WordKind kind;
  Verb verb = Verb::kRead;
  std::string_view service = {};  // kService: the catalog prefix; kNoun: the service it defaults to
  std::string_view type = {};     // kNoun: the resource type (catalog spelling), or "" for none
  bool weak = false;              // a guess, said as such: "access" as read, "database" as DynamoDB
  std::string_view named_prefix = {};  // kVerb kNamed: the action names' start ("Rotate")
};

// Every built-in word and phrase (up to three words), lower case.
const std::map<std::string_view, Lexeme>& Vocabulary();

// Nouns that mean a resource type of a service only when that service is
// said ("image" of ECR is its repository; "instance" of RDS is a "db"),
// beside the catalog's own nouns for its types.
struct ServiceNoun {
  std::string_view service;
  std::string_view word;  // singular, lower case
  std::string_view type;  // the catalog's spelling of the resource type
};
const std::vector<ServiceNoun>& ServiceNouns();

// Service prefixes that are also everyday words ("events", "config",
// "batch"): they name the service only when written in capitals, as
// "Batch", or through a longer name ("AWS Batch", "EventBridge").
bool IsEverydayWordPrefix(std::string_view prefix);

// Service prefixes that are mostly something else even in capitals ("SMS",
// "Q", "PI"): such a service is named only by a longer name.
bool IsOtherWordPrefix(std::string_view prefix);

// How descriptions name the services the parser knew before it read the
// catalog ("Read objects from S3", "... from a specific DynamoDB table"),
// and their GCP and Azure counterparts. Other services are named by the
// catalog's title and their resource type's noun.
struct ServicePhrases {
  std::string_view service;
  std::string_view aws;         // "S3", "DynamoDB tables": the service's things, unnamed
  std::string_view gcp;         // the same idea on GCP; "" when there is none offline
  std::string_view azure;       // ... and on Azure
  std::string_view named_one;   // "a specific S3 bucket"
  std::string_view named_many;  // "specific S3 buckets"
};
const ServicePhrases* FindServicePhrases(std::string_view service);

// How descriptions say a service briefly where the catalog's title is long
// or not the name people use ("CloudFormation", not "AWS Cloud Control
// API"); "" when the title without "Amazon" or "AWS" will do.
std::string_view ShortServiceName(std::string_view service);

// The resource type a service's names are of when a name comes with the
// service alone ("my-bucket in S3", "the step function order-flow"); ""
// when the catalog must decide (a service with one resource type).
std::string_view DefaultType(std::string_view service);

// The verb in words, for messages: "read", "delete".
std::string_view VerbWord(Verb verb);

}  // namespace audex::offline_intent
