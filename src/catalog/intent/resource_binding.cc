#include "catalog/intent/resource_binding.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "catalog/intent/intent_words.h"
#include "catalog/name_words.h"
#include "core/base/text.h"
#include "core/intent/offline_lexer.h"
#include "core/policy/glob.h"

namespace audex::offline_intent {
namespace {

// The variable a name of this type fills: the one spelt like the type
// ("TableName" of a table), else the last one ending in "Name"
// ("GroupFriendlyName" of an Auto Scaling group), else the last.
std::string OwnVariable(const ResourceFormat& format) {
  const std::vector<std::string> variables = format.Variables();
  if (variables.empty()) return {};
  const std::string noun = NameLetters(format.noun);
  const std::string name = NameLetters(format.name);
  for (const std::string& variable : variables) {
    for (std::string_view suffix :
         {"NameWithPath", "Name", "Id", "Identifier", "Arn", "WithoutLeadingSlash"}) {
      if (variable.size() > suffix.size() && variable.ends_with(suffix)) {
        const std::string stem = NameLetters(variable.substr(0, variable.size() - suffix.size()));
        if (stem == noun || stem == name) return variable;
      }
    }
    if (NameLetters(variable) == noun || NameLetters(variable) == name) return variable;
  }
  for (auto it = variables.rbegin(); it != variables.rend(); ++it) {
    if (it->ends_with("Name")) return *it;
  }
  return variables.back();
}

// "arn:aws:batch:*:*:job-definition/*:*" -> ".../job-definition/*": a run
// of wildcards at the end of a resource part that has a literal start.
std::string CollapseTrailingWildcards(std::string arn) {
  size_t part = 0;
  for (int colons = 0; colons < 5 && part != std::string::npos; ++colons) {
    part = arn.find(':', part == 0 ? 0 : part + 1);
  }
  if (part == std::string::npos) return arn;
  while (arn.size() >= part + 4 && arn.ends_with("*") &&
         (arn[arn.size() - 2] == ':' || arn[arn.size() - 2] == '/') && arn[arn.size() - 3] == '*' &&
         arn.find_first_not_of("*:/", part + 1) < arn.size() - 3) {
    arn.resize(arn.size() - 2);
  }
  return arn;
}

// Does the ARN written in a sentence fit `format` (variables as wildcards)?
bool ArnFits(std::string_view arn, const ResourceFormat& format) {
  std::string pattern;
  for (size_t at = 0; at < format.format.size();) {
    const size_t open = format.format.find("${", at);
    if (open == std::string::npos) {
      pattern += format.format.substr(at);
      break;
    }
    pattern += format.format.substr(at, open - at);
    pattern += '*';
    const size_t close = format.format.find('}', open);
    at = close == std::string::npos ? format.format.size() : close + 1;
  }
  std::string literal(arn);
  std::replace(literal.begin(), literal.end(), '*', 'x');
  std::replace(literal.begin(), literal.end(), '?', 'x');
  return GlobMatches(pattern, literal, CaseRule::kSensitive);
}

// The most resource types the reference marks required for one action that
// are all needed together (a Glue table's catalog, database and table);
// beyond it they are alternatives.
constexpr size_t kMostRequiredTogether = 3;

// A name as the format's variable holds it: without a leading '/' where
// the variable says so (SSM parameter names), without the literal the
// format already writes before it ("alias/app" in ".../alias/${Alias}").
std::string ValueFor(const ResourceFormat& format, const std::string& variable, std::string name) {
  if (variable.ends_with("WithoutLeadingSlash") && name.starts_with('/')) name.erase(0, 1);
  const size_t at = format.format.find("${" + variable + "}");
  if (at != std::string::npos) {
    const size_t start = format.format.find_last_of(':', at) + 1;
    const std::string literal = format.format.substr(start, at - start);
    if (!literal.empty() && literal.find('$') == std::string::npos && name.starts_with(literal) &&
        name.size() > literal.size()) {
      name.erase(0, literal.size());
    }
  }
  return name;
}

std::string Arn(const ResourceFormat& format, const ArnValues& values, bool named,
                const Place& place) {
  std::string pattern = format.format;
  if (named) {
    for (const ArnQuirk& quirk : ArnQuirks()) {
      if (quirk.service == format.service && SameType(quirk.type, format.name)) {
        pattern = std::string(quirk.format);
      }
    }
  }
  ArnValues with_place = values;
  if (place.region) with_place["Region"] = *place.region;
  if (place.account) with_place["Account"] = *place.account;
  return CollapseTrailingWildcards(ExpandArnFormat(pattern, with_place));
}

}  // namespace

std::vector<BindingSet> NameBindings(const std::vector<Target>& targets, const std::string& service,
                                     size_t head_index, const std::vector<size_t>& context,
                                     const ResourceFormats& formats, Notes& notes) {
  std::vector<size_t> order = {head_index};
  order.insert(order.end(), context.begin(), context.end());
  std::sort(order.begin(), order.end());
  std::vector<BindingSet> sets;
  const auto role_of = [](const Target& target) {
    if (target.preposition == "from") return Role::kSource;
    if (target.preposition == "to" || target.preposition == "into" ||
        target.preposition == "onto") {
      return Role::kDestination;
    }
    return Role::kAny;
  };
  const auto place = [&](const std::string& variable, const std::string& value, Role role,
                         const std::string& type, const std::string& said) {
    for (BindingSet& set : sets) {
      if (set.values.count(variable) == 0 &&
          (set.role == role || role == Role::kAny || set.role == Role::kAny)) {
        set.values[variable] = value;
        if (set.role == Role::kAny) set.role = role;
        set.named.emplace_back(type, service);
        set.said.push_back(said);
        return;
      }
    }
    BindingSet set;
    set.said.push_back(said);
    set.values[variable] = value;
    set.role = role;
    set.named.emplace_back(type, service);
    sets.push_back(std::move(set));
  };
  for (size_t index : order) {
    const Target& target = targets[index];
    if (target.service != service) continue;
    const Role role = role_of(target);
    for (const Url& url : target.urls) {
      BindingSet set;
      set.said.push_back("s3://" + url.bucket + (url.prefix.empty() ? "" : "/" + url.prefix));
      set.values["BucketName"] = url.bucket;
      if (!url.prefix.empty()) set.values["ObjectName"] = url.prefix + "*";
      set.role = role;
      set.named.emplace_back("bucket", service);
      sets.push_back(std::move(set));
    }
    for (const std::string& arn : target.arns) {
      BindingSet set;
      set.said.push_back(arn);
      set.literal_arns.push_back(arn);
      set.role = role;
      sets.push_back(std::move(set));
    }
    if (target.names.empty() || target.type.empty()) continue;
    const auto format = formats.Find(service, target.type);
    if (!format) continue;
    const std::string variable = OwnVariable(*format);
    if (variable.empty()) continue;
    for (const std::string& name : target.names) {
      if (!IsResourceNameText(name)) {
        notes.Guess(fmt::format(
            "\"{}\" cannot be a {} name (letters, digits, '.', '-', '_', '/' only); it is not "
            "used",
            name, format->noun));
        continue;
      }
      if (service == "s3" && SameType(target.type, "bucket") &&
          name.find('/') != std::string::npos) {
        // "my-bucket/logs": the bucket, and the objects under the prefix.
        BindingSet set;
        set.said.push_back(name);
        set.values["BucketName"] = name.substr(0, name.find('/'));
        set.values["ObjectName"] = name.substr(name.find('/') + 1) + "*";
        set.role = role;
        set.named.emplace_back("bucket", service);
        sets.push_back(std::move(set));
        continue;
      }
      place(variable, ValueFor(*format, variable, name), role, std::string(format->name), name);
    }
  }
  // A value given once holds for every set that names a resource under it
  // ("tables a and b in database d"), not for one beside it (a second
  // bucket does not take the first one's key prefix).
  std::map<std::string, std::set<std::string>> values;
  for (const BindingSet& set : sets) {
    for (const auto& [variable, value] : set.values) values[variable].insert(value);
  }
  for (BindingSet& set : sets) {
    std::vector<std::string> parents;
    for (const auto& [type, type_service] : set.named) {
      if (const auto format = formats.Find(type_service, type)) {
        for (std::string& variable : format->Variables()) parents.push_back(std::move(variable));
      }
    }
    for (const auto& [variable, seen] : values) {
      if (seen.size() == 1 && set.values.count(variable) == 0 &&
          std::find(parents.begin(), parents.end(), variable) != parents.end()) {
        set.values[variable] = *seen.begin();
      }
    }
  }
  return sets;
}

std::vector<std::string> ActionResources(const Action& action, std::vector<BindingSet> sets,
                                         Role role, const ResourceFormats& formats,
                                         const Place& place, std::set<std::string>& used_names) {
  if (role != Role::kAny && !sets.empty()) {
    // "copy a to b": the source is the one after "from" (else the first),
    // the destination the one after "to" (else the last).
    std::vector<BindingSet> chosen;
    for (BindingSet& set : sets) {
      if (set.role == role) chosen.push_back(set);
    }
    if (chosen.empty()) {
      chosen.push_back(role == Role::kSource ? sets.front() : sets.back());
    }
    sets = std::move(chosen);
  }
  struct Typed {
    ResourceType type;
    std::optional<ResourceFormat> format;
    std::vector<std::string> variables;
  };
  std::vector<Typed> types;
  for (const ResourceType& type : action.resource_types()) {
    auto format = formats.Find(action.service(), type.name);
    std::vector<std::string> variables;
    if (format) variables = format->Variables();
    types.push_back(Typed{type, std::move(format), std::move(variables)});
  }
  std::vector<std::string> resources;
  const auto add = [&](std::string arn) {
    if (std::find(resources.begin(), resources.end(), arn) == resources.end()) {
      resources.push_back(std::move(arn));
    }
  };
  for (const BindingSet& set : sets) {
    for (const std::string& arn : set.literal_arns) {
      if (std::any_of(types.begin(), types.end(), [&](const Typed& typed) {
            return typed.format && ArnFits(arn, *typed.format);
          })) {
        add(arn);
        used_names.insert(arn);
      }
    }
    // Named exactly: a type of the action the sentence named; inside
    // one: a type whose ARN holds a named one's (the objects of a named
    // bucket) unless the action also takes the named type itself.
    std::vector<const Typed*> exact;
    std::vector<const Typed*> inside;
    std::vector<std::vector<std::string>> named_variables;
    for (const auto& [type, type_service] : set.named) {
      if (auto format = formats.Find(type_service, type)) {
        named_variables.push_back(format->Variables());
      }
    }
    for (const Typed& typed : types) {
      if (!typed.format) continue;
      const bool is_named = std::any_of(set.named.begin(), set.named.end(), [&](const auto& named) {
        const auto format = formats.Find(named.second, named.first);
        return format && SameType(named.first, typed.type.name) &&
               format->Variables() == typed.variables;
      });
      if (is_named) {
        exact.push_back(&typed);
      } else if (std::any_of(
                     named_variables.begin(), named_variables.end(),
                     [&](const auto& variables) { return Descends(typed.variables, variables); })) {
        inside.push_back(&typed);
      }
    }
    std::vector<const Typed*> bound = exact;
    for (const Typed* typed : inside) {
      const bool below_exact = std::any_of(exact.begin(), exact.end(), [&](const Typed* e) {
        return Descends(typed->variables, e->variables);
      });
      if (!below_exact) bound.push_back(typed);
    }
    if (bound.empty()) continue;
    used_names.insert(set.said.begin(), set.said.end());
    for (const Typed* typed : bound) add(Arn(*typed->format, set.values, true, place));
    // A type the reference marks required that nothing named is added
    // with "*" for what is not said (a Glue table's database and catalog,
    // the key behind a KMS alias being deleted, the snapshot an RDS
    // instance's snapshot creates), but not one inside a named one (a state
    // machine's map runs are another way to name it). Many required types
    // are ways to name one thing (bedrock:InvokeModel takes a foundation
    // model or any of eleven others): then none is added for being required.
    const size_t required = static_cast<size_t>(std::count_if(
        types.begin(), types.end(), [](const Typed& typed) { return typed.type.required; }));
    if (required > kMostRequiredTogether) continue;
    for (const Typed& typed : types) {
      if (!typed.format || !typed.type.required) continue;
      if (std::find(bound.begin(), bound.end(), &typed) != bound.end()) continue;
      const bool inside_named = std::any_of(bound.begin(), bound.end(), [&](const Typed* b) {
        return Descends(typed.variables, b->variables);
      });
      if (!inside_named) add(Arn(*typed.format, set.values, false, place));
    }
  }
  return resources;
}

std::vector<std::string> AnyArns(const Action& action, const ResourceFormats& formats) {
  std::vector<std::string> arns;
  const std::vector<ResourceType> types = action.resource_types();
  const bool any_required = std::any_of(types.begin(), types.end(),
                                        [](const ResourceType& type) { return type.required; });
  for (const ResourceType& type : types) {
    if (any_required && !type.required) continue;
    // Access points are another way in to the same objects; the plain
    // resource is what "every" means here.
    if (type.name.starts_with("accesspoint")) continue;
    if (const auto format = formats.Find(action.service(), type.name)) {
      std::string arn = ExpandArnFormat(format->format, {});
      if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(std::move(arn));
    }
  }
  return arns;
}

}  // namespace audex::offline_intent
