// Shell completion for tryaudex: the scripts for bash, zsh and fish, made
// from the command tree (command_tree.h) so that they offer exactly the
// commands, flags and fixed values the binary has. `tryaudex completion
// SHELL` prints one; the package installs all three (docs/install.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace audex {

enum class Shell { kBash, kZsh, kFish };

// "bash", "zsh" or "fish"; nullopt for anything else.
std::optional<Shell> ShellNamed(std::string_view name);

// What a value of an option (or a positional argument) is, read from its
// CLI11 type name: a fixed set written "{aws,gcp,azure}" (as CLI11's
// IsMember shows it), PROFILE (a profile name, from `tryaudex policies
// list`), FILE or DIR; anything else is free text.
struct ValueKind {
  enum Kind { kText, kChoices, kProfile, kFile, kDirectory } kind = kText;
  std::vector<std::string> choices;  // kChoices
};
ValueKind ValueKindOf(const std::string& type_name);

// The completion script for `shell`, for the commands of `tree` (the App
// of tryaudex itself, as CommandTree() makes it).
std::string CompletionScript(const CLI::App& tree, Shell shell);

}  // namespace audex
