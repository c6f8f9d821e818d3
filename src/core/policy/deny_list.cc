#include "core/policy/deny_list.h"

#include <fmt/format.h>

#include "core/policy/action_syntax.h"
#include "core/policy/universal.h"

namespace audex {

Result<DenyList> MakeDenyList(std::vector<std::string> patterns, std::string source) {
  for (size_t i = 0; i < patterns.size(); ++i) {
    const std::string& pattern = patterns[i];
    const std::string where = fmt::format("the deny list {} (entry {})", source, i + 1);
    if (pattern.empty()) {
      return UsageError(
          fmt::format("{} is empty; remove it or write an action like \"iam:*\"", where));
    }
    if (pattern == "*" || FindUniversalName(pattern) != nullptr) continue;
    const std::optional<Provider> provider = DetectActionSyntax(pattern);
    if (!provider) {
      return UsageError(fmt::format("{}: \"{}\" is not an action; expected {}", where, pattern,
                                    ExpectedActionForm(Provider::kAws)));
    }
    if (auto checked = CheckActionSyntax(*provider, pattern, where); !checked) {
      return tl::unexpected(Error{ErrorKind::kUsage, checked.error().message});
    }
  }
  return DenyList{std::move(patterns), std::move(source)};
}

std::vector<std::string> DenyPatternsFor(const DenyList& deny, Provider provider) {
  std::vector<std::string> out;
  for (const std::string& pattern : deny.patterns) {
    if (const UniversalName* universal = FindUniversalName(pattern)) {
      for (std::string& action : TranslateUniversal(*universal, provider)) {
        out.push_back(std::move(action));
      }
    } else if (pattern == "*" || DetectActionSyntax(pattern) == provider) {
      out.push_back(pattern);
    }
  }
  return out;
}

}  // namespace audex
