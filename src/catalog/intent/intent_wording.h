// How the offline intent parser names services and their resources in
// descriptions and messages: "Read objects from a specific S3 bucket",
// "describe CloudFormation stacks", and the GCP and Azure counterparts for
// the services the universal names cover.
#pragma once

#include <string>
#include <string_view>

#include "catalog/action_catalog.h"
#include "catalog/resource_formats.h"
#include "core/policy/provider.h"

namespace audex::offline_intent {

class ServiceWording {
 public:
  ServiceWording(Provider provider, const ActionCatalog& catalog, const ResourceFormats& formats)
      : provider_(provider), catalog_(catalog), formats_(formats) {}

  // The type a service's names are of when said with the service alone
  // (the vocabulary's choice, else the service's only type); "" if none.
  std::string DefaultType(std::string_view service) const;
  // "CloudFormation", else the catalog's title without "Amazon"/"AWS".
  std::string ShortName(std::string_view service) const;
  // "state machine": the type's noun.
  std::string NounOf(std::string_view service, std::string_view type) const;
  // "DynamoDB tables", "S3", "CloudFormation stacks": the things, unnamed.
  std::string Things(std::string_view service, std::string_view type) const;
  // "a specific S3 bucket" (count 1) / "specific S3 buckets".
  std::string Named(std::string_view service, std::string_view type, size_t count) const;

 private:
  Provider provider_;
  const ActionCatalog& catalog_;
  const ResourceFormats& formats_;
};

}  // namespace audex::offline_intent
