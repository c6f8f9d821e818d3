#include "core/policy/action_syntax.h"

#include <fmt/format.h>

#include <vector>

#include "core/base/text.h"
#include "core/policy/universal.h"

namespace audex {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWild(char c) { return c == '*' || c == '?'; }

// Every character of `text` is allowed by `allowed`, and there is at least one.
template <typename Allowed>
bool AllOf(std::string_view text, Allowed allowed) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

// AWS: service prefixes are lower-case letters, digits and '-'
// (s3, ec2, route53-recovery-control-config); action names are letters and
// digits. Both may carry wildcards.
std::optional<std::string> AwsProblem(std::string_view action) {
  if (action == "*") return std::nullopt;
  const size_t colon = action.find(':');
  if (colon == std::string_view::npos) return "it has no ':' between service and action";
  const std::string_view service = action.substr(0, colon);
  const std::string_view name = action.substr(colon + 1);
  if (name.find(':') != std::string_view::npos) return "it has more than one ':'";
  if (service.empty()) return "the service before ':' is empty";
  if (name.empty()) return "the action after ':' is empty";
  if (!AllOf(service, [](char c) { return IsAlpha(c) || IsDigit(c) || c == '-' || IsWild(c); })) {
    return fmt::format("the service \"{}\" may only hold letters, digits, '-' and wildcards",
                       service);
  }
  // "s3:@read": an access-level selector (expanded by the action catalog).
  if (name.size() > 1 && name[0] == '@' &&
      AllOf(name.substr(1), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return std::nullopt;
  }
  // A few real names hold '-' (vpc-lattice:AssociateViaAWSService-EventsAndStates).
  if (!AllOf(name, [](char c) { return IsAlpha(c) || IsDigit(c) || IsWild(c) || c == '-'; })) {
    return fmt::format("the action \"{}\" may only hold letters, digits, '-' and wildcards", name);
  }
  return std::nullopt;
}

// GCP: exactly three dot-separated segments; the service is lower-case,
// resource and verb are camelCase; any segment may be or hold a wildcard.
std::optional<std::string> GcpProblem(std::string_view action) {
  const std::vector<std::string_view> parts = Split(action, '.');
  if (parts.size() != 3) {
    return fmt::format("it has {} dot-separated parts, not 3 (service.resource.verb)",
                       parts.size());
  }
  static constexpr const char* kNames[] = {"service", "resource", "verb"};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) return fmt::format("the {} part is empty", kNames[i]);
    const bool ok = AllOf(parts[i], [i](char c) {
      if (IsWild(c) || IsDigit(c)) return true;
      return i == 0 ? (c >= 'a' && c <= 'z') : IsAlpha(c);
    });
    if (!ok) {
      return fmt::format("the {} \"{}\" may only hold {}letters, digits and wildcards", kNames[i],
                         parts[i], i == 0 ? "lower-case " : "");
    }
  }
  return std::nullopt;
}

// Azure: "Namespace.Name/resourceType[/...]/operation" where the operation
// is read, write, delete or action; "*" may stand for any part, and
// "Microsoft.Storage/*" or "*/read" are valid role-definition actions.
std::optional<std::string> AzureProblem(std::string_view action) {
  if (action == "*") return std::nullopt;
  const std::vector<std::string_view> parts = Split(action, '/');
  if (parts.size() < 2) return "it has no '/' between the provider namespace and the operation";
  const std::string_view ns = parts.front();
  if (ns != "*") {
    const std::vector<std::string_view> words = Split(ns, '.');
    const bool ok = words.size() >= 2 && [&] {
      for (std::string_view word : words) {
        if (!AllOf(word, [](char c) { return IsAlpha(c) || IsDigit(c) || IsWild(c); })) {
          return false;
        }
      }
      return true;
    }();
    if (!ok) {
      return fmt::format("the provider namespace \"{}\" is not of the form Microsoft.Name", ns);
    }
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty()) return "it has an empty part between two '/'";
    if (!AllOf(parts[i], [](char c) {
          return IsAlpha(c) || IsDigit(c) || IsWild(c) || c == '-' || c == '_' || c == '.';
        })) {
      return fmt::format(
          "the part \"{}\" may only hold letters, digits, '-', '_', '.' and "
          "wildcards",
          parts[i]);
    }
  }
  const std::string_view operation = parts.back();
  if (HasWildcard(operation)) return std::nullopt;
  if (parts.size() < 3 && ns != "*")
    return "it needs a resource type between the namespace and the operation";
  for (std::string_view known : {"read", "write", "delete", "action"}) {
    if (EqualsIgnoreCase(operation, known)) return std::nullopt;
  }
  return fmt::format("the operation \"{}\" is not read, write, delete, action or *", operation);
}

std::optional<std::string> Problem(Provider provider, std::string_view action) {
  switch (provider) {
    case Provider::kAws:
      return AwsProblem(action);
    case Provider::kGcp:
      return GcpProblem(action);
    case Provider::kAzure:
      return AzureProblem(action);
  }
  return std::nullopt;
}

}  // namespace

CaseRule ActionCaseRule(Provider provider) {
  return provider == Provider::kGcp ? CaseRule::kSensitive : CaseRule::kInsensitive;
}

std::string_view ExpectedActionForm(Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return "service:Action, e.g. s3:GetObject or s3:Get*";
    case Provider::kGcp:
      return "service.resource.verb, e.g. storage.objects.get or storage.objects.*";
    case Provider::kAzure:
      return "Microsoft.Provider/resource/operation, e.g. Microsoft.Storage/storageAccounts/read";
  }
  return "";
}

Result<void> CheckActionSyntax(Provider provider, std::string_view action, std::string_view where) {
  if (const auto problem = Problem(provider, action)) {
    return PolicyError(fmt::format("invalid {} action \"{}\" in {}: {}; expected {}",
                                   ProviderName(provider), action, where, *problem,
                                   ExpectedActionForm(provider)));
  }
  return {};
}

Result<void> CheckRequestedAction(Provider provider, std::string_view action,
                                  std::string_view where) {
  const std::string suggestion = SuggestUniversalName(action);
  if (provider == Provider::kAws && HasUniversalOnlyCategory(action)) {
    return PolicyError(fmt::format(
        "unknown universal name \"{}\" in {} (did you mean {}?); the universal names are listed "
        "in the README",
        action, where, suggestion));
  }
  auto checked = CheckActionSyntax(provider, action, where);
  if (checked) return {};
  Error error = checked.error();
  const std::optional<Provider> written_in = DetectActionSyntax(action);
  if (!suggestion.empty()) {
    error.message += fmt::format(" (did you mean {}?)", suggestion);
  } else if (written_in && *written_in != provider &&
             CheckActionSyntax(*written_in, action, where).has_value()) {
    error.message += fmt::format(
        " (\"{}\" is {} syntax: choose that provider with --provider {} or provider = \"{}\")",
        action, ProviderName(*written_in), ProviderName(*written_in), ProviderName(*written_in));
  }
  return tl::unexpected(std::move(error));
}

std::optional<Provider> DetectActionSyntax(std::string_view action) {
  if (action.find('/') != std::string_view::npos) return Provider::kAzure;
  if (action.find(':') != std::string_view::npos) return Provider::kAws;
  if (action.find('.') != std::string_view::npos) return Provider::kGcp;
  return std::nullopt;
}

bool IsAllServicesWildcard(Provider provider, std::string_view action) {
  if (action == "*") return true;
  const char separator = provider == Provider::kAws ? ':' : provider == Provider::kGcp ? '.' : '/';
  const std::string_view service = action.substr(0, action.find(separator));
  if (provider == Provider::kAzure) return service.find('*') != std::string_view::npos;
  return HasWildcard(service);
}

}  // namespace audex
