// The offline intent parser's resources: the names said in a clause as
// values of the catalog's ARN format variables ("bucket reports" is
// BucketName=reports), and the ARNs an action is limited to by them. A name
// limits an action when the action takes the named type, or a type inside
// it (a named bucket limits s3:GetObject to its objects, "arn:aws:s3:::
// reports/*"); another type the action requires is added with "*" for what
// is not said (a Glue table's database).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/intent/clause_targets.h"
#include "catalog/intent/offline_rules.h"
#include "catalog/resource_formats.h"

namespace audex::offline_intent {

// The names of one resource as variable values; `role` from its preposition
// (from: the source, to: the destination of a copy).
struct BindingSet {
  ArnValues values;
  std::vector<std::string> said;                           // the names as written
  std::vector<std::pair<std::string, std::string>> named;  // (type, service) named exactly
  Role role = Role::kAny;
  std::vector<std::string> literal_arns;  // ARNs written out in the sentence
};

// The region and account the sentence gave, for every ARN that has them.
struct Place {
  std::optional<std::string> region;
  std::optional<std::string> account;
};

// The names of the targets of `service` among `head` and `context`, one set
// per resource (two buckets make two sets). A value given once holds for
// every set that names a resource under it ("tables a and b in database
// d"). Names an ARN cannot hold are left out, as a guess in `notes`.
std::vector<BindingSet> NameBindings(const std::vector<Target>& targets, const std::string& service,
                                     size_t head, const std::vector<size_t>& context,
                                     const ResourceFormats& formats, Notes& notes);

// The ARNs `action` is limited to by `sets` (only those of `role` when it
// is not kAny; else the first or last set); empty when no name applies to
// it (Resource "*"). The names that limited something go into `used_names`.
std::vector<std::string> ActionResources(const Action& action, std::vector<BindingSet> sets,
                                         Role role, const ResourceFormats& formats,
                                         const Place& place, std::set<std::string>& used_names);

// The ARNs that mean "every resource" for an action with resource types:
// those of its required types, else of all but access points.
std::vector<std::string> AnyArns(const Action& action, const ResourceFormats& formats);

}  // namespace audex::offline_intent
