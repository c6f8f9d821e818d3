#include "core/credentials/sandbox_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace audex {
namespace {

using std::filesystem::path;

std::optional<std::string> Value(const Environment& environment, std::string_view name) {
  for (const auto& [key, value] : environment) {
    if (key == name) return value.empty() ? std::nullopt : std::optional<std::string>(value);
  }
  return std::nullopt;
}

// `text` as an absolute, lexically normal path: "~/" is HOME (the AWS SDKs
// expand it in their file variables), a relative path is taken from the
// working directory; nullopt when neither can be resolved.
std::optional<std::string> Absolute(const std::string& text, const std::string& home,
                                    const std::string& cwd) {
  path resolved;
  if (text == "~" || text.rfind("~/", 0) == 0) {
    if (home.empty()) return std::nullopt;
    resolved = path(home) / text.substr(std::min<size_t>(2, text.size()));
  } else if (!text.empty() && text.front() == '/') {
    resolved = path(text);
  } else {
    if (cwd.empty()) return std::nullopt;
    resolved = path(cwd) / text;
  }
  std::string normal = resolved.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

// True when `inner` is `outer` or lies below it.
bool Within(const std::string& inner, const std::string& outer) {
  if (outer == "/") return true;
  return inner == outer ||
         (inner.size() > outer.size() && inner.rfind(outer, 0) == 0 && inner[outer.size()] == '/');
}

// An XDG base directory: the variable when it holds an absolute path (the
// XDG specification ignores relative ones), else HOME/`fallback`.
std::optional<std::string> XdgDir(const Environment& parent, const char* variable,
                                  const char* fallback, const std::string& home) {
  if (auto value = Value(parent, variable); value && value->front() == '/') return *value;
  if (home.empty()) return std::nullopt;
  return (path(home) / fallback).string();
}

}  // namespace

SandboxPlan PlanSandbox(const SandboxInput& input) {
  const std::string home = Value(input.parent, "HOME").value_or("");
  const std::string& cwd = input.working_directory;
  std::vector<HiddenPath> candidates;
  const auto add = [&](const std::optional<std::string>& text, const char* what) {
    if (!text) return;
    if (auto absolute = Absolute(*text, home, cwd); absolute && *absolute != "/") {
      candidates.push_back({*absolute, what});
    }
  };
  const auto add_variable = [&](const char* variable, const char* what) {
    add(Value(input.parent, variable), what);
  };
  const auto add_home = [&](const char* relative, const char* what) {
    if (!home.empty()) add((path(home) / relative).string(), what);
  };

  constexpr const char* kAws = "AWS credentials and configuration";
  add_home(".aws", kAws);  // credentials, config, sso/cache, cli/cache
  add_variable("AWS_SHARED_CREDENTIALS_FILE", kAws);
  add_variable("AWS_CONFIG_FILE", kAws);
  add_variable("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS web identity token");
  add_variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS container credentials token");

  // gcloud reads CLOUDSDK_CONFIG, else ~/.config/gcloud (it does not follow
  // XDG_CONFIG_HOME); both may hold a login.
  constexpr const char* kGcloud = "gcloud configuration and credentials";
  add_variable("CLOUDSDK_CONFIG", kGcloud);
  add_home(".config/gcloud", kGcloud);
  add_home(".boto", "gsutil credentials");
  add_variable("BOTO_CONFIG", "gsutil credentials");
  constexpr const char* kGoogleKey = "Google credentials file";
  add_variable("GOOGLE_APPLICATION_CREDENTIALS", kGoogleKey);
  add_variable("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", kGoogleKey);
  add_variable("CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", kGoogleKey);
  // These hold either a key's JSON or the path of a key file.
  for (const char* variable : {"GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON"}) {
    if (auto value = Value(input.parent, variable); value && value->front() == '/') {
      add(value, kGoogleKey);
    }
  }

  constexpr const char* kAzure = "Azure CLI configuration and token cache";
  add_variable("AZURE_CONFIG_DIR", kAzure);
  add_home(".azure", kAzure);
  constexpr const char* kAzureKey = "Azure credentials file";
  add_variable("AZURE_CLIENT_CERTIFICATE_PATH", kAzureKey);
  add_variable("AZURE_FEDERATED_TOKEN_FILE", kAzureKey);
  add_variable("ARM_CLIENT_CERTIFICATE_PATH", kAzureKey);
  add_variable("ARM_OIDC_TOKEN_FILE_PATH", kAzureKey);

  constexpr const char* kAudex = "Audex's keys, cache, audit log, sessions and configuration";
  add(input.config_dir.empty() ? std::nullopt : std::optional<std::string>(input.config_dir),
      kAudex);
  add(input.state_dir.empty() ? std::nullopt : std::optional<std::string>(input.state_dir), kAudex);
  if (auto dir = XdgDir(input.parent, "XDG_CONFIG_HOME", ".config", home)) {
    add((path(*dir) / "audex").string(), kAudex);
  }
  if (auto dir = XdgDir(input.parent, "XDG_STATE_HOME", ".local/state", home)) {
    add((path(*dir) / "audex").string(), kAudex);
  }

  // What the command is given stays reachable: its working directory,
  // HOME, the temporary directory, and every path Audex put into its
  // environment (scratch CLOUDSDK_CONFIG and AZURE_CONFIG_DIR).
  struct Needed {
    std::string path;
    std::string why;
  };
  std::vector<Needed> needed;
  if (!cwd.empty()) needed.push_back({cwd, "the command's working directory"});
  if (!home.empty()) needed.push_back({home, "HOME"});
  needed.push_back({Value(input.parent, "TMPDIR").value_or("/tmp"), "the temporary directory"});
  for (const auto& [name, value] : input.child) {
    if (value.empty() || value.front() != '/' || Value(input.parent, name) == value) continue;
    needed.push_back({value, name});
  }

  SandboxPlan plan;
  for (const HiddenPath& candidate : candidates) {
    const auto holds = std::find_if(needed.begin(), needed.end(), [&](const Needed& item) {
      return Within(item.path, candidate.path);
    });
    if (holds != needed.end()) {
      const std::string sentence =
          fmt::format("{} ({}) stays visible to the command: it holds {} ({})", candidate.path,
                      candidate.what, holds->why, holds->path);
      if (std::find(plan.kept_visible.begin(), plan.kept_visible.end(), sentence) ==
          plan.kept_visible.end()) {
        plan.kept_visible.push_back(sentence);
      }
      continue;
    }
    plan.hidden.push_back(candidate);
  }
  // Outermost first, then drop what lies inside an earlier entry (and
  // duplicates): a path inside a hidden directory is hidden already, and
  // could not be hidden again once its parent is empty.
  std::stable_sort(plan.hidden.begin(), plan.hidden.end(),
                   [](const HiddenPath& a, const HiddenPath& b) { return a.path < b.path; });
  std::vector<HiddenPath> outermost;
  for (const HiddenPath& item : plan.hidden) {
    const bool inside =
        std::any_of(outermost.begin(), outermost.end(),
                    [&](const HiddenPath& kept) { return Within(item.path, kept.path); });
    if (!inside) outermost.push_back(item);
  }
  plan.hidden = std::move(outermost);
  return plan;
}

}  // namespace audex
