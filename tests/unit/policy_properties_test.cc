// Property tests for the policy algebra, with the Allow/Deny evaluator as
// the judge: whatever the request and the deny list, the session policy
// grants exactly (requested) minus (denied).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/base/text.h"
#include "core/plan/session_plan.h"
#include "core/policy/access_request.h"
#include "core/policy/glob.h"
#include "core/policy/policy_evaluator.h"

namespace audex {
namespace {

// A small world so that random patterns collide often.
const std::vector<std::string> kServices = {"s3", "ec2", "iam"};
const std::vector<std::string> kWords = {"Get", "Put", "Object", "Bucket", "List", "Acl"};

// Between `min` and `max - 1` values of `gen`.
template <typename T>
rc::Gen<std::vector<T>> VectorOf(size_t min, size_t max, rc::Gen<T> gen) {
  return rc::gen::mapcat(rc::gen::inRange(min, max), [gen](size_t count) {
    return rc::gen::container<std::vector<T>>(count, gen);
  });
}

rc::Gen<std::string> ConcreteAction() {
  return rc::gen::apply(
      [](const std::string& service, const std::vector<std::string>& words) {
        return service + ":" + Join(words, "");
      },
      rc::gen::elementOf(kServices), VectorOf<std::string>(1, 4, rc::gen::elementOf(kWords)));
}

// A concrete action with some characters turned into wildcards, in random case.
rc::Gen<std::string> ActionPattern() {
  return rc::gen::mapcat(ConcreteAction(), [](std::string action) {
    return rc::gen::map(
        rc::gen::container<std::vector<int>>(action.size(), rc::gen::inRange(0, 12)),
        [action](const std::vector<int>& dice) {
          std::string pattern;
          for (size_t i = 0; i < action.size(); ++i) {
            if (action[i] == ':' || dice[i] > 2) {
              pattern += dice[i] == 11 ? AsciiLower(action[i]) : action[i];
            } else if (dice[i] == 0) {
              if (pattern.empty() || pattern.back() != '*') pattern += '*';
            } else if (dice[i] == 1) {
              pattern += '?';
            }  // 2: drop the character
          }
          return pattern;
        });
  });
}

// Replaces each wildcard of `pattern` by a random concrete piece.
rc::Gen<std::string> InstanceOf(const std::string& pattern) {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(
                          pattern.size(), rc::gen::elementOf(std::vector<std::string>{
                                              "", "a", "Get", "Object", "x:y", "B"})),
                      [pattern](const std::vector<std::string>& pieces) {
                        std::string out;
                        for (size_t i = 0; i < pattern.size(); ++i) {
                          if (pattern[i] == '*') {
                            out += pieces[i];
                          } else if (pattern[i] == '?') {
                            out += pieces[i].empty() ? "q" : pieces[i].substr(0, 1);
                          } else {
                            out += pattern[i];
                          }
                        }
                        return out;
                      });
}

bool AnyMatches(const std::vector<std::string>& patterns, const std::string& action) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return GlobMatches(p, action, CaseRule::kInsensitive);
  });
}

bool ValidAws(const std::string& pattern) {
  const size_t colon = pattern.find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < pattern.size();
}

RC_GTEST_PROP(PolicyProperties, SessionPolicyGrantsExactlyRequestMinusDeny, ()) {
  const auto requested = *VectorOf<std::string>(1, 6, ActionPattern());
  const auto denied = *VectorOf<std::string>(0, 6, ActionPattern());
  for (const auto& p : requested) RC_PRE(ValidAws(p));
  for (const auto& p : denied) RC_PRE(ValidAws(p));

  AccessRequest request;
  request.allow = Join(requested, ",");
  const auto resolved =
      ResolveRequest(request, ProfileCatalog{}, MakeDenyList(denied, "deny-list.toml").value());
  // Probe with instances of both lists and with unrelated actions.
  std::vector<std::string> probes;
  for (const auto& p : requested) probes.push_back(*InstanceOf(p));
  for (const auto& p : denied) probes.push_back(*InstanceOf(p));
  probes.push_back(*ConcreteAction());

  if (!resolved) {
    // Only an all-denied request may fail, and then nothing requested survives.
    RC_ASSERT(resolved.error().message.find("every requested action is denied") !=
              std::string::npos);
    for (const auto& action : probes) {
      RC_ASSERT(!AnyMatches(requested, action) || AnyMatches(denied, action));
    }
    return;
  }
  const PolicyDocument document = BuildAwsSessionPolicy(*resolved);
  for (const auto& action : probes) {
    const bool expected = AnyMatches(requested, action) && !AnyMatches(denied, action);
    RC_ASSERT((Evaluate(document, action) == Decision::kAllow) == expected);
  }
}

RC_GTEST_PROP(PolicyProperties, RenderThenParseKeepsTheActionSet, ()) {
  const auto requested = *VectorOf<std::string>(1, 8, ActionPattern());
  const auto denied = *VectorOf<std::string>(0, 4, ActionPattern());
  for (const auto& p : requested) RC_PRE(ValidAws(p));
  for (const auto& p : denied) RC_PRE(ValidAws(p));
  AccessRequest request;
  request.allow = Join(requested, ",");
  const auto resolved = ResolveRequest(request, {}, MakeDenyList(denied, "d").value());
  RC_PRE(resolved.has_value());
  const PolicyDocument built = BuildAwsSessionPolicy(*resolved);
  const auto parsed = ParsePolicy(RenderPolicy(built));
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(parsed->statements.size() == built.statements.size());
  for (size_t i = 0; i < built.statements.size(); ++i) {
    RC_ASSERT(parsed->statements[i].effect == built.statements[i].effect);
    RC_ASSERT(parsed->statements[i].actions == built.statements[i].actions);
    RC_ASSERT(parsed->statements[i].resources == built.statements[i].resources);
  }
  RC_ASSERT(RenderPolicy(*parsed) == RenderPolicy(built));
}

// `pattern` with random runs of characters replaced by one '*'.
rc::Gen<std::string> Generalize(const std::string& pattern) {
  return rc::gen::map(rc::gen::container<std::vector<bool>>(
                          pattern.size(), rc::gen::weightedElement<bool>({{1, true}, {3, false}})),
                      [pattern](const std::vector<bool>& starred) {
                        std::string out;
                        for (size_t i = 0; i < pattern.size(); ++i) {
                          if (!starred[i]) {
                            out += pattern[i];
                          } else if (out.empty() || out.back() != '*') {
                            out += '*';
                          }
                        }
                        return out;
                      });
}

RC_GTEST_PROP(GlobProperties, CoversIsSound, ()) {
  const std::string inner = *ActionPattern();
  const std::string outer = *rc::gen::oneOf(Generalize(inner), ActionPattern());
  RC_PRE(GlobCovers(outer, inner, CaseRule::kInsensitive));
  const std::string instance = *InstanceOf(inner);
  RC_ASSERT(GlobMatches(outer, instance, CaseRule::kInsensitive));
}

RC_GTEST_PROP(GlobProperties, CoversSeesStarGeneralisations, ()) {
  const std::string inner = *ActionPattern();
  const std::string outer = *Generalize(inner);
  RC_ASSERT(GlobCovers(outer, inner, CaseRule::kInsensitive));
}

// Every string over the patterns' own characters up to the combined length
// is a candidate witness; overlap must be true exactly when one exists.
RC_GTEST_PROP(GlobProperties, OverlapIsExactOnSmallAlphabets, ()) {
  const auto piece = rc::gen::elementOf(std::vector<char>{'a', 'b', '*', '?'});
  const std::string a = *rc::gen::mapcat(rc::gen::inRange<size_t>(0, 4), [piece](size_t n) {
    return rc::gen::container<std::string>(n, piece);
  });
  const std::string b = *rc::gen::mapcat(rc::gen::inRange<size_t>(0, 4), [piece](size_t n) {
    return rc::gen::container<std::string>(n, piece);
  });
  bool witness = false;
  const size_t max_length = a.size() + b.size();
  for (size_t length = 0; length <= max_length && !witness; ++length) {
    for (size_t bits = 0; bits < (size_t{1} << length) && !witness; ++bits) {
      std::string text;
      for (size_t i = 0; i < length; ++i) text += (bits >> i) & 1 ? 'a' : 'b';
      witness =
          GlobMatches(a, text, CaseRule::kSensitive) && GlobMatches(b, text, CaseRule::kSensitive);
    }
  }
  RC_ASSERT(GlobsOverlap(a, b, CaseRule::kSensitive) == witness);
}

}  // namespace
}  // namespace audex
