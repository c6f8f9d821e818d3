// libFuzzer target: arbitrary text as config.toml, profiles.toml and
// deny-list.toml, then whatever loads is used the way `tryaudex run` uses it.
//
// Rejecting a file is fine; a crash, a sanitizer report or an exception that
// escapes a loader is a finding. Nothing here catches: the loaders promise to
// turn toml::parse_error into an Error, so any other exception reaches
// std::terminate, and libFuzzer reports the abort with the input.
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
#include "core/plan/session_plan.h"
#include "core/plan/ttl.h"
#include "core/policy/access_request.h"
#include "core/policy/deny_list.h"
#include "core/policy/policy_document.h"
#include "core/policy/profile.h"
#include "core/policy/provider.h"

namespace {

void Require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", invariant);
  __builtin_trap();
}

// Whatever a loaded file leads to, its AWS policy must render and parse back.
void CheckPolicyRoundTrip(const audex::ResolvedRequest& resolved) {
  if (resolved.provider != audex::Provider::kAws) return;
  const std::string json = audex::RenderPolicy(audex::BuildAwsSessionPolicy(resolved));
  const auto parsed = audex::ParsePolicy(json);
  Require(parsed.has_value(), "a rendered policy parses");
  Require(audex::RenderPolicy(*parsed) == json, "render(parse(render(p))) == render(p)");
}

void UseConfig(std::string_view text) {
  std::vector<std::string> warnings;
  const auto config = audex::ParseConfigToml(text, "fuzz/config.toml", &warnings);
  if (!config) return;
  Require(config->source == "fuzz/config.toml", "the config remembers its file");
  if (config->ttl) {
    Require(audex::ParseTtl(audex::FormatTtl(*config->ttl)) == *config->ttl,
            "ParseTtl(FormatTtl(t)) == t");
  }
}

void UseProfiles(std::string_view text, const audex::DenyList& deny) {
  auto profiles = audex::ParseProfilesToml(text, "fuzz/profiles.toml");
  if (!profiles) return;
  std::vector<std::string> names;
  for (const audex::Profile& profile : *profiles) {
    Require(!profile.actions.empty(), "a loaded profile has actions");
    Require(profile.source == "fuzz/profiles.toml", "a loaded profile remembers its file");
    names.push_back(profile.name);
  }
  const audex::ProfileCatalog catalog(std::move(*profiles));
  Require(catalog.All().size() == catalog.Names().size(), "All and Names agree");
  // Bounded: a file of thousands of tiny profiles should not turn one input
  // into a timeout.
  constexpr size_t kMaxResolved = 8;
  for (size_t i = 0; i < names.size() && i < kMaxResolved; ++i) {
    Require(catalog.Find(names[i]) != nullptr, "a loaded profile can be found");
    audex::AccessRequest request;
    request.profile = names[i];
    const auto resolved = audex::ResolveRequest(request, catalog, deny);
    if (resolved) CheckPolicyRoundTrip(*resolved);
  }
}

void UseDenyList(std::string_view text) {
  const auto deny = audex::ParseDenyListToml(text, "fuzz/deny-list.toml");
  if (!deny) return;
  Require(deny->source == "fuzz/deny-list.toml", "the deny list remembers its file");
  // One broad request per provider, so every loaded pattern meets a wildcard.
  static const std::pair<audex::Provider, const char*> kRequests[] = {
      {audex::Provider::kAws, "s3:*,ec2:Describe*,iam:Get*,kms:Decrypt,storage:read,secrets:read"},
      {audex::Provider::kGcp, "storage.objects.*,compute.instances.list,storage:write"},
      {audex::Provider::kAzure, "Microsoft.Storage/*,Microsoft.KeyVault/vaults/read"},
  };
  for (const auto& [provider, allow] : kRequests) {
    audex::AccessRequest request;
    request.provider = provider;
    request.allow = allow;
    const auto resolved = audex::ResolveRequest(request, audex::ProfileCatalog(), *deny);
    if (resolved) CheckPolicyRoundTrip(*resolved);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  UseConfig(text);
  static const audex::DenyList kDeny = [] {
    auto deny =
        audex::MakeDenyList({"iam:*", "s3:Delete*", "storage:write", "Microsoft.Compute/*/delete"},
                            "fuzz/deny-list.toml");
    if (!deny) std::abort();  // a bug in this file, not a finding
    return *deny;
  }();
  UseProfiles(text, kDeny);
  UseDenyList(text);
  return 0;
}
