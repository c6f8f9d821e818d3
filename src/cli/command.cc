#include "cli/command.h"

namespace audex {

std::span<const CommandSpec> Commands() {
  static const CommandSpec kCommands[] = {
      RunCommand(),          ReplayCommand(),
      PoliciesCommand(),     SessionsCommand(),
      CleanupCommand(),      AuditCommand(),
      ReportCommand(),       HealthCommand(),
      LearnCommand(),        CredentialProcessCommand(),
      SetupProfileCommand(), CacheCommand(),
      IntentCommand(),       DriftCommand(),
      McpCommand(),          ServerCommand(),
      DashboardCommand(),    LoginCommand(),
      LogoutCommand(),       WhoAmICommand(),
      GrantsCommand(),       RequestsCommand(),
  };
  return kCommands;
}

}  // namespace audex
