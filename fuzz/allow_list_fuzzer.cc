// libFuzzer target: arbitrary --allow/--resource/--provider input through the
// request resolver, the session planner and the policy renderer, checking that
// the deny list is enforced and the policy survives a render/parse round trip.
//
// Input: up to six fields separated by '\n':
//   --allow \n --resource \n --provider \n config provider \n --ttl \n --profile
// An empty field is an absent flag, except --allow, which is only absent when
// a profile is given and --allow is empty.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/config/config_files.h"
#include "core/base/text.h"
#include "core/plan/session_plan.h"
#include "core/plan/ttl.h"
#include "core/plan/user_config.h"
#include "core/policy/access_request.h"
#include "core/policy/action_syntax.h"
#include "core/policy/deny_list.h"
#include "core/policy/glob.h"
#include "core/policy/policy_document.h"
#include "core/policy/policy_evaluator.h"
#include "core/policy/profile.h"
#include "core/policy/provider.h"

namespace {

using audex::CaseRule;

// A broken invariant is a finding: say which one before libFuzzer saves the input.
void Require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", invariant);
  __builtin_trap();
}

// Setup failures are bugs in this file, not findings in Audex.
template <typename T>
T OrDie(audex::Result<T> result) {
  if (!result) {
    std::fprintf(stderr, "fuzzer setup failed: %s\n", result.error().message.c_str());
    std::abort();
  }
  return std::move(*result);
}

// One AWS profile with resources, one provider-neutral profile of universal
// names, one that shadows a built-in and one that overlaps the deny list, so
// every branch of profile resolution is reachable from a short input. They
// go through the loader, as a user's profiles.toml would.
constexpr std::string_view kProfilesToml = R"([profiles.my-data-pipeline]
description = "Read from S3, write to DynamoDB"
actions = "s3:GetObject,dynamodb:PutItem,dynamodb:UpdateItem"
resources = ["arn:aws:s3:::input-data/*", "arn:aws:dynamodb:*:*:table/pipeline-results"]

[profiles.portable-read]
description = "Read anywhere"
actions = "storage:read,logs:read,compute:read"

[profiles.s3-readonly]
provider = "aws"
description = "Replaces the built-in"
actions = "s3:Get*,s3:List*"

[profiles.wide-ec2]
description = "Overlaps the deny list"
actions = "ec2:Describe*,ec2:*Instances,iam:Get*"
)";

// Exact and wildcard entries for all three providers plus a universal name,
// so both removal and explicit-deny paths are exercised.
constexpr std::string_view kDenyListToml = R"([deny]
actions = ["iam:*", "ec2:TerminateInstances", "rds:DeleteDBInstance", "s3:DeleteBucket",
           "kms:*Key*", "*:Delete*Vault", "s3:Put?ucketPolicy", "secrets:read", "iam.roles.*",
           "storage.buckets.delete", "Microsoft.Authorization/*", "Microsoft.Compute/*/delete"]
)";

const audex::ProfileCatalog& Catalog() {
  static const audex::ProfileCatalog catalog(
      OrDie(audex::ParseProfilesToml(kProfilesToml, "fuzz-profiles.toml")));
  return catalog;
}

const audex::DenyList& Deny() {
  static const audex::DenyList deny =
      OrDie(audex::ParseDenyListToml(kDenyListToml, "fuzz-deny-list.toml"));
  return deny;
}

std::vector<std::string_view> SplitFields(std::string_view input, size_t max_fields) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < max_fields) {
    const size_t newline = input.find('\n');
    if (newline == std::string_view::npos) break;
    fields.push_back(input.substr(0, newline));
    input.remove_prefix(newline + 1);
  }
  fields.push_back(input);
  fields.resize(max_fields);
  return fields;
}

std::optional<std::string> Flag(std::string_view field) {
  if (field.empty()) return std::nullopt;
  return std::string(field);
}

// A literal string that `pattern` matches: '*' becomes `star`, '?' becomes 'q'.
std::string Instance(std::string_view pattern, std::string_view star) {
  std::string out;
  for (char c : pattern) {
    if (c == '*') {
      out += star;
    } else {
      out += c == '?' ? 'q' : c;
    }
  }
  return out;
}

bool SameChar(char a, char b, CaseRule rule) {
  return rule == CaseRule::kSensitive ? a == b : audex::AsciiLower(a) == audex::AsciiLower(b);
}

// A literal string both patterns match, found by a breadth-first search of
// position pairs, or nullopt. Lets the fuzzer check GlobsOverlap's "yes"
// answers against GlobMatches instead of trusting them.
std::optional<std::string> CommonMatch(std::string_view a, std::string_view b, CaseRule rule) {
  const size_t width = b.size() + 1;
  const size_t states = (a.size() + 1) * width;
  constexpr size_t kUnseen = static_cast<size_t>(-1);
  std::vector<size_t> parent(states, kUnseen);
  std::vector<int> emitted(states, -1);  // the character produced entering a state, or -1
  std::vector<size_t> queue{0};
  parent[0] = 0;
  const auto visit = [&](size_t from, size_t i, size_t j, int c) {
    const size_t to = i * width + j;
    if (parent[to] != kUnseen) return;
    parent[to] = from;
    emitted[to] = c;
    queue.push_back(to);
  };
  for (size_t next = 0; next < queue.size(); ++next) {
    const size_t state = queue[next];
    const size_t i = state / width, j = state % width;
    if (i == a.size() && j == b.size()) {
      std::string out;
      for (size_t at = state; at != 0; at = parent[at]) {
        if (emitted[at] >= 0) out += static_cast<char>(emitted[at]);
      }
      std::reverse(out.begin(), out.end());
      return out;
    }
    const bool a_star = i < a.size() && a[i] == '*';
    const bool b_star = j < b.size() && b[j] == '*';
    if (a_star) visit(state, i + 1, j, -1);
    if (b_star) visit(state, i, j + 1, -1);
    if (i == a.size() || j == b.size() || (a_star && b_star)) continue;
    const bool a_literal = !a_star && a[i] != '?';
    const bool b_literal = !b_star && b[j] != '?';
    if (a_literal && b_literal && !SameChar(a[i], b[j], rule)) continue;
    const char c = a_literal ? a[i] : b_literal ? b[j] : 'q';
    visit(state, a_star ? i : i + 1, b_star ? j : j + 1, static_cast<unsigned char>(c));
  }
  return std::nullopt;
}

// The promises glob.h makes, checked on one pair of patterns.
void CheckGlobPair(std::string_view a, std::string_view b, CaseRule rule) {
  const bool covers = audex::GlobCovers(a, b, rule);
  const bool overlap = audex::GlobsOverlap(a, b, rule);
  Require(overlap == audex::GlobsOverlap(b, a, rule), "GlobsOverlap is symmetric");
  // Every pattern matches at least one string, so a cover is an overlap.
  Require(!covers || overlap, "GlobCovers(a, b) implies GlobsOverlap(a, b)");
  if (!audex::HasWildcard(b)) {
    const bool matches = audex::GlobMatches(a, b, rule);
    Require(matches == covers, "GlobMatches == GlobCovers for a literal inner");
    Require(matches == overlap, "GlobMatches == GlobsOverlap for a literal");
  }
  const std::optional<std::string> common = CommonMatch(a, b, rule);
  Require(common.has_value() == overlap, "GlobsOverlap agrees with a witness search");
  if (common) {
    Require(audex::GlobMatches(a, *common, rule) && audex::GlobMatches(b, *common, rule),
            "the overlap witness matches both patterns");
  }
  for (std::string_view star : {"", "Zq", "x:y"}) {
    const std::string instance = Instance(b, star);
    Require(audex::GlobMatches(b, instance, rule), "a pattern matches its own instance");
    if (covers) Require(audex::GlobMatches(a, instance, rule), "GlobCovers is sound");
    if (audex::GlobMatches(a, instance, rule)) {
      Require(overlap, "GlobsOverlap finds a shared instance");
    }
  }
}

void CheckGlobs(std::string_view allow) {
  // Bounded so one long item cannot turn the quadratic checks into timeouts.
  constexpr size_t kMaxPieces = 4, kMaxPieceLength = 48;
  std::vector<std::string> pieces = audex::SplitCommaList(allow);
  if (pieces.size() > kMaxPieces) pieces.resize(kMaxPieces);
  for (std::string& piece : pieces) {
    if (piece.size() > kMaxPieceLength) piece.resize(kMaxPieceLength);
  }
  for (const std::string& a : pieces) {
    for (CaseRule rule : {CaseRule::kSensitive, CaseRule::kInsensitive}) {
      Require(audex::GlobCovers(a, a, rule), "GlobCovers is reflexive");
      for (const std::string& b : pieces) CheckGlobPair(a, b, rule);
    }
  }
}

// What the resolver promises whatever the provider: something is granted,
// and nothing granted lies wholly inside a deny pattern.
void CheckResolved(const audex::ResolvedRequest& resolved) {
  Require(!resolved.actions.empty(), "a resolved request grants something");
  const CaseRule rule = audex::ActionCaseRule(resolved.provider);
  const std::vector<std::string> deny = audex::DenyPatternsFor(Deny(), resolved.provider);
  for (const audex::GrantedAction& granted : resolved.actions) {
    for (const std::string& pattern : deny) {
      Require(!audex::GlobCovers(pattern, granted.action, rule),
              "no granted action is wholly inside a deny pattern");
    }
  }
  for (const std::string& pattern : resolved.explicit_denies) {
    Require(std::find(deny.begin(), deny.end(), pattern) != deny.end(),
            "explicit denies come from the deny list");
  }
}

std::vector<std::string> Sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

// The AWS policy for `resolved`: round trip, and IAM's decision on concrete
// actions agrees with what the resolver granted and denied.
void CheckAwsPolicy(const audex::ResolvedRequest& resolved) {
  const audex::PolicyDocument policy = audex::BuildAwsSessionPolicy(resolved);
  const std::string json = audex::RenderPolicy(policy);
  Require(json == audex::RenderPolicy(policy), "rendering is deterministic");
  const audex::Result<audex::PolicyDocument> parsed = audex::ParsePolicy(json);
  Require(parsed.has_value(), "a rendered policy parses");
  Require(parsed->statements.size() == policy.statements.size(), "statement count survives");
  Require(!policy.statements.empty() && policy.statements[0].effect == audex::Effect::kAllow,
          "the first statement is the Allow");
  Require(parsed->statements[0].effect == audex::Effect::kAllow, "the Allow stays an Allow");
  Require(parsed->statements[0].actions == policy.statements[0].actions,
          "re-parsed Allow actions equal the rendered ones");
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    Require(parsed->statements[i].actions == policy.statements[i].actions &&
                parsed->statements[i].resources == policy.statements[i].resources &&
                parsed->statements[i].effect == policy.statements[i].effect,
            "every statement survives the round trip");
  }
  Require(audex::RenderPolicy(*parsed) == json, "render(parse(render(p))) == render(p)");
  Require(Sorted(policy.statements[0].actions) == Sorted(resolved.ActionNames()),
          "the Allow holds exactly the granted actions");

  // A concrete resource the Allow covers.
  const std::string resource = resolved.resources.empty()
                                   ? std::string("arn:aws:s3:::fuzz-bucket/key")
                                   : Instance(resolved.resources.front(), "");
  const std::vector<std::string> deny = audex::DenyPatternsFor(Deny(), audex::Provider::kAws);
  const auto denied = [&](std::string_view action) {
    return std::any_of(deny.begin(), deny.end(), [&](const std::string& pattern) {
      return audex::GlobMatches(pattern, action, CaseRule::kInsensitive);
    });
  };
  // The deny list holds for every action a granted pattern shares with it.
  for (const audex::GrantedAction& granted : resolved.actions) {
    for (const std::string& pattern : deny) {
      const std::optional<std::string> shared =
          CommonMatch(granted.action, pattern, CaseRule::kInsensitive);
      if (!shared) continue;
      Require(audex::Evaluate(policy, *shared, resource) != audex::Decision::kAllow,
              "an action the deny list names is never allowed");
    }
  }
  // What was asked for and not denied is allowed, including patterns dropped
  // as already covered by a broader one.
  std::vector<std::string> asked = resolved.ActionNames();
  for (const audex::RemovedAction& covered : resolved.covered) asked.push_back(covered.action);
  for (const std::string& action : asked) {
    for (std::string_view star : {"", "Zq"}) {
      const std::string instance = Instance(action, star);
      if (denied(instance)) continue;
      Require(audex::Evaluate(policy, instance, resource) == audex::Decision::kAllow,
              "a requested, undenied action is allowed");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> fields = SplitFields(input, 6);

  audex::AccessRequest request;
  request.profile = Flag(fields[5]);
  if (!fields[0].empty() || !request.profile) request.allow = std::string(fields[0]);
  request.resource = Flag(fields[1]);
  request.provider = audex::ParseProvider(fields[2]);
  audex::UserConfig config;
  config.provider = audex::ParseProvider(fields[3]);
  config.source = "fuzz-config.toml";
  request.default_provider = config.provider;
  std::optional<std::chrono::seconds> ttl;
  if (!fields[4].empty()) {
    if (auto parsed = audex::ParseTtl(fields[4])) {
      Require(audex::ParseTtl(audex::FormatTtl(*parsed)) == *parsed, "ParseTtl(FormatTtl(t)) == t");
      ttl = *parsed;
    }
  }

  if (request.allow) CheckGlobs(*request.allow);

  const auto resolved = audex::ResolveRequest(request, Catalog(), Deny());
  const auto plan = audex::PlanSession(request, ttl, config, Catalog(), Deny(), {"true"});
  Require(resolved.has_value() || !plan.has_value(), "PlanSession fails when resolution fails");
  if (!resolved) {
    Require(resolved.error().message == plan.error().message, "the same resolution error");
    return 0;
  }
  CheckResolved(*resolved);
  if (resolved->provider == audex::Provider::kAws) CheckAwsPolicy(*resolved);

  if (!plan) {
    // Only the TTL bounds and the size limit can fail after resolution.
    const bool too_big = resolved->provider == audex::Provider::kAws &&
                         audex::RenderPolicy(audex::BuildAwsSessionPolicy(*resolved)).size() >
                             audex::kSessionPolicyLimit;
    const bool bad_ttl =
        !audex::CheckTtlBounds(resolved->provider,
                               ttl.value_or(config.ttl.value_or(audex::kDefaultTtl)))
             .has_value();
    Require(too_big || bad_ttl, "PlanSession fails only on TTL bounds or policy size");
    return 0;
  }
  Require(plan->request.ActionNames() == resolved->ActionNames(),
          "PlanSession resolves like ResolveRequest");
  if (plan->request.provider == audex::Provider::kAws) {
    Require(plan->policy.has_value(), "an AWS plan has a policy");
    Require(plan->policy_json == audex::RenderPolicy(*plan->policy), "policy_json is the policy");
    Require(plan->policy_json.size() <= audex::kSessionPolicyLimit, "the plan fits the limit");
  } else {
    Require(!plan->policy.has_value(), "only AWS plans carry a policy");
  }
  return 0;
}
