// SandboxPlan: what the command's sandbox hides from it — the credential
// stores of the three clouds and Audex's own files — decided from the
// environment snapshot and Audex's paths, before anything runs. The
// adapter (adapters/process/sandbox.h) hides each path that exists; a
// path that holds something the command is given (its working directory,
// HOME, a scratch configuration directory Audex made for it) stays
// visible, and the plan says why.
#pragma once

#include <string>
#include <vector>

#include "core/base/env.h"

namespace audex {

struct SandboxInput {
  Environment parent;             // the environment Audex started with
  Environment child;              // what the command receives
  std::string config_dir;         // Audex's configuration directory
  std::string state_dir;          // Audex's state: keys, cache, audit log, sessions
  std::string working_directory;  // the command's; relative paths resolve against it
};

struct HiddenPath {
  std::string path;  // absolute, lexically normal
  std::string what;  // "AWS credentials and configuration", for health and notices
};

struct SandboxPlan {
  // Outermost paths only: nothing listed lies inside another listed path.
  std::vector<HiddenPath> hidden;
  // Paths that would be hidden but hold what the command needs, each as a
  // sentence for the user ("... stays visible: it holds ...").
  std::vector<std::string> kept_visible;
};

// The credential stores: ~/.aws and the files AWS_SHARED_CREDENTIALS_FILE
// and AWS_CONFIG_FILE name; gcloud's configuration (CLOUDSDK_CONFIG and
// ~/.config/gcloud: application default credentials, credentials.db,
// access_tokens.db) and ~/.boto; ~/.azure and AZURE_CONFIG_DIR; key and
// token files named by variables (GOOGLE_APPLICATION_CREDENTIALS,
// AWS_WEB_IDENTITY_TOKEN_FILE, ...); Audex's configuration and state
// directories, and the default XDG ones besides. Values come from
// `parent` (the child's own are scratch copies Audex made).
SandboxPlan PlanSandbox(const SandboxInput& input);

}  // namespace audex
