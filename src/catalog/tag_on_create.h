// TagOnCreate: which AWS actions make a new resource, and where an IAM
// policy sees the tags such a call gives it (the aws:RequestTag/${TagKey}
// condition key, listed per action or per created resource type in the
// Service Authorization Reference), generated from the same npm package as
// the action catalog. `run --tag-session` builds its conditions from it.
//
// The tables are constant data in the binary (builtin_tag_on_create_data.cc,
// written by gen/catalog_gen.cc). Immutable; safe to use from any thread.
#pragma once

#include <string>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/tag_on_create_tables.h"
#include "core/policy/action_universe.h"

namespace audex {
// Which actions are creates: they write, are not tagging actions, and the
// reference describes them as "Grants permission to create ..." or names
// them with a creating verb (Run, Allocate, Import, Copy, Register, Launch,
// ...). Facts are answered for the built-in catalog only.
class TagOnCreate {
 public:
  static const TagOnCreate& Builtin();

  // The facts of `action`, an action of ActionCatalog::Builtin(): created
  // resource types as ARN patterns with every variable "*"
  // ("arn:*:ec2:*:*:instance/*").
  ActionTagFacts Of(const Action& action) const;

 private:
  TagOnCreate(const catalog_data::CatalogTables& catalog,
              const catalog_data::TagOnCreateTables& tables);

  const catalog_data::CatalogTables& catalog_;
  const catalog_data::TagOnCreateTables& tables_;
};

}  // namespace audex
