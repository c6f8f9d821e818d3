// `tryaudex setup-profile NAME ...`: writes [profile NAME] with a
// credential_process line that runs this tryaudex with the given request
// into the AWS config file (AWS_CONFIG_FILE, else ~/.aws/config), leaving
// every other line of the file as it was.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "cli/credential_process.h"

namespace CLI {
class App;
}

namespace audex {

struct SetupProfileOptions {
  std::string name;
  CredentialRequestOptions issue;  // what credential-process will be asked for
  bool print = false;              // print the stanza instead of writing it
};

Result<int> RunSetupProfile(const SetupProfileOptions& options, const CliContext& context);

}  // namespace audex
