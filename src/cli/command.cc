#include "cli/command.h"

namespace audex {

std::span<const CommandSpec> Commands() {
  static const CommandSpec kCommands[] = {
      RunCommand(),
      PoliciesCommand(),
      SessionsCommand(),
      AuditCommand(),
      HealthCommand(),
      LearnCommand(),
      CredentialProcessCommand(),
      SetupProfileCommand(),
      CacheCommand(),
      IntentCommand(),
      DriftCommand(),
      McpCommand(),
      ServerCommand(),
      LoginCommand(),
      LogoutCommand(),
      WhoAmICommand(),
      GrantsCommand(),
  };
  return kCommands;
}

}  // namespace audex
