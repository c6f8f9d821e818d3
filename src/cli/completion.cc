// The three scripts share one shape: a table of the command paths ("" for
// tryaudex itself, "policies list", ...) with their sub-commands, options
// and option values, written as the shell's own case/switch statements,
// and one function that walks the words before the cursor to find the
// path and offers what the table has for it. After "--" the words are the
// command tryaudex runs, completed as a command line of its own.
#include "cli/completion.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/command_tree.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"

namespace audex {
namespace {

struct OptionEntry {
  std::vector<std::string> names;  // "-h", "--help"
  std::string help;
  bool takes_value = false;
  ValueKind value;
};

struct SubcommandEntry {
  std::string name;
  std::string summary;
};

struct CommandEntry {
  std::string path;  // "" (tryaudex), "run", "policies list"
  std::vector<SubcommandEntry> subcommands;
  std::vector<OptionEntry> options;
  ValueKind positional;  // what its positional arguments are (kText: nothing to offer)
};

// The first line of a help text, for the one-line descriptions zsh and
// fish show beside each word.
std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

void Outline(const CLI::App& app, const std::string& path, std::vector<CommandEntry>& entries) {
  CommandEntry entry;
  entry.path = path;
  // CLI11 hides options and commands whose group is empty.
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (option->get_positional()) {
      entry.positional = ValueKindOf(option->get_type_name());
      continue;
    }
    OptionEntry described;
    for (const std::string& name : option->get_snames()) described.names.push_back("-" + name);
    for (const std::string& name : option->get_lnames()) described.names.push_back("--" + name);
    described.help = FirstLine(option->get_description());
    described.takes_value = option->get_type_size_max() > 0;
    if (described.takes_value) described.value = ValueKindOf(option->get_type_name());
    entry.options.push_back(std::move(described));
  }
  std::vector<const CLI::App*> subcommands =
      app.get_subcommands(std::function<bool(const CLI::App*)>());
  for (const CLI::App* sub : subcommands) {
    if (sub->get_group().empty()) continue;
    entry.subcommands.push_back({sub->get_name(), FirstLine(sub->get_description())});
  }
  entries.push_back(std::move(entry));
  for (const CLI::App* sub : subcommands) {
    if (sub->get_group().empty()) continue;
    Outline(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), entries);
  }
}

// A word in single quotes for bash and zsh ('\'' closes, escapes and
// reopens) or fish (which reads \' and \\ inside single quotes).
std::string Quoted(const std::string& word, bool fish = false) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += fish ? "\\'" : "'\\''";
    } else if (fish && c == '\\') {
      quoted += "\\\\";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string Words(const std::vector<std::string>& words, bool fish = false) {
  std::vector<std::string> quoted;
  for (const std::string& word : words) quoted.push_back(Quoted(word, fish));
  return Join(quoted, " ");
}

std::vector<std::string> SubcommandNames(const CommandEntry& entry) {
  std::vector<std::string> names;
  for (const SubcommandEntry& sub : entry.subcommands) names.push_back(sub.name);
  return names;
}

std::vector<std::string> OptionNames(const CommandEntry& entry, bool valued_only) {
  std::vector<std::string> names;
  for (const OptionEntry& option : entry.options) {
    if (valued_only && !option.takes_value) continue;
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  return names;
}

// One `case` arm per command path of `entries` whose body is not empty, in
// the syntax of bash and zsh (`pattern) ... ;;`).
std::string CaseArms(const std::vector<CommandEntry>& entries,
                     const std::function<std::string(const CommandEntry&)>& body) {
  std::string arms;
  for (const CommandEntry& entry : entries) {
    const std::string text = body(entry);
    if (text.empty()) continue;
    arms += fmt::format("    {}) {} ;;\n", Quoted(entry.path), text);
  }
  return arms;
}

// "choices aws gcp azure", "profile", "file", "directory" or "".
std::string ValueWords(const ValueKind& value) {
  switch (value.kind) {
    case ValueKind::kChoices:
      return "choices " + Join(value.choices, " ");
    case ValueKind::kProfile:
      return "profile";
    case ValueKind::kFile:
      return "file";
    case ValueKind::kDirectory:
      return "directory";
    case ValueKind::kText:
      break;
  }
  return "";
}

// The value arms: "PATH OPTION" for options, "PATH" for the positionals;
// `assign` turns the value words into the arm's body.
std::string ValueArms(const std::vector<CommandEntry>& entries,
                      const std::function<std::string(const std::string&)>& assign) {
  std::string arms;
  for (const CommandEntry& entry : entries) {
    for (const OptionEntry& option : entry.options) {
      const std::string words = ValueWords(option.value);
      if (!option.takes_value || words.empty()) continue;
      for (const std::string& name : option.names) {
        const std::string key = entry.path.empty() ? name : entry.path + " " + name;
        arms += fmt::format("    {}) {} ;;\n", Quoted(key), assign(words));
      }
    }
    const std::string words = ValueWords(entry.positional);
    if (!words.empty()) arms += fmt::format("    {}) {} ;;\n", Quoted(entry.path), assign(words));
  }
  return arms;
}

std::string Header(const char* shell) {
  return fmt::format(
      "# {} completion for tryaudex {}, generated by `tryaudex completion {}` from its\n"
      "# command table: do not edit, generate it again.\n",
      shell, AUDEX_VERSION, shell);
}

std::string BashScript(const std::vector<CommandEntry>& entries) {
  const auto echo_names = [](const std::vector<std::string>& names) {
    return names.empty() ? std::string() : "echo " + Words(names);
  };
  return Header("bash") + R"sh(
# The sub-commands, options, and options that take a value of a command
# path ("" is tryaudex itself, then "run", "policies list", ...).
_tryaudex_commands() {
  case "$1" in
)sh" + CaseArms(entries, [&](const CommandEntry& e) { return echo_names(SubcommandNames(e)); }) +
         R"sh(  esac
}
_tryaudex_options() {
  case "$1" in
)sh" + CaseArms(entries, [&](const CommandEntry& e) { return echo_names(OptionNames(e, false)); }) +
         R"sh(  esac
}
_tryaudex_valued() {
  case "$1" in
)sh" + CaseArms(entries, [&](const CommandEntry& e) { return echo_names(OptionNames(e, true)); }) +
         R"sh(  esac
}
# What the value of "PATH OPTION" (or PATH's positional argument) is:
# "choices WORD...", "profile", "file", "directory", or nothing (free text).
_tryaudex_value() {
  case "$1" in
)sh" + ValueArms(entries, [](const std::string& words) { return "echo " + words; }) +
         R"sh(  esac
}
# Profile names, built-in and the user's own: the indented first words of
# `tryaudex policies list` (the headings are not indented).
_tryaudex_profiles() {
  "$1" policies list 2>/dev/null | awk '/^  [^ ]/ { print $1 }'
}
_tryaudex_offer() {
  local kind="$1" cur="$2" program="$3"
  case "$kind" in
    choices\ *) COMPREPLY=($(compgen -W "${kind#choices }" -- "$cur")) ;;
    profile) COMPREPLY=($(compgen -W "$(_tryaudex_profiles "$program")" -- "$cur")) ;;
    file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    directory) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
_tryaudex() {
  local cur="${COMP_WORDS[COMP_CWORD]}" program="${COMP_WORDS[0]}" path="" word i
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    if [[ $word == -- ]]; then
      # The rest is the command tryaudex runs.
      if declare -F _command_offset >/dev/null; then
        _command_offset $((i + 1))
      elif ((i + 1 == COMP_CWORD)); then
        COMPREPLY=($(compgen -c -- "$cur"))
      else
        compopt -o default 2>/dev/null
      fi
      return 0
    fi
    if [[ $word == -* ]]; then
      if ((i + 1 < COMP_CWORD)) && [[ $word != *=* && " $(_tryaudex_valued "$path") " == *" $word "* ]]; then
        ((i++))
      fi
      continue
    fi
    if [[ " $(_tryaudex_commands "$path") " == *" $word "* ]]; then
      path="${path:+$path }$word"
    fi
  done
  # A value: after "--option", or after "--option=" (COMP_WORDBREAKS splits at "=").
  local option=""
  if [[ $cur == = ]]; then
    option="${COMP_WORDS[COMP_CWORD - 1]}"
    cur=""
  elif ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
    option="${COMP_WORDS[COMP_CWORD - 2]}"
  elif ((COMP_CWORD >= 2)); then
    option="${COMP_WORDS[COMP_CWORD - 1]}"
  fi
  if [[ $option == -* && " $(_tryaudex_valued "$path") " == *" $option "* ]]; then
    _tryaudex_offer "$(_tryaudex_value "${path:+$path }$option")" "$cur" "$program"
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_tryaudex_options "$path")" -- "$cur"))
  elif [[ -n $(_tryaudex_commands "$path") ]]; then
    COMPREPLY=($(compgen -W "$(_tryaudex_commands "$path")" -- "$cur"))
  else
    _tryaudex_offer "$(_tryaudex_value "$path")" "$cur" "$program"
  fi
  return 0
}
complete -F _tryaudex tryaudex
)sh";
}

// "word:description" items for zsh's _describe (a ':' in the word escaped).
std::string ZshDescribed(const std::vector<std::pair<std::string, std::string>>& items) {
  std::vector<std::string> quoted;
  for (const auto& [word, description] : items) {
    std::string escaped;
    for (char c : word) {
      if (c == ':') escaped += '\\';
      escaped += c;
    }
    quoted.push_back(Quoted(description.empty() ? escaped : escaped + ":" + description));
  }
  return Join(quoted, " ");
}

// zsh: the same walk, with each word's description shown by _describe.
std::string ZshScript(const std::vector<CommandEntry>& entries) {
  const auto reply = [](const std::string& items) {
    return items.empty() ? std::string() : "reply=(" + items + ")";
  };
  return "#compdef tryaudex\n" + Header("zsh") + R"sh(
# The sub-commands, options, and options that take a value of a command
# path ("" is tryaudex itself, then "run", "policies list", ...), in $reply.
_tryaudex_commands() {
  reply=()
  case "$1" in
)sh" +
         CaseArms(entries,
                  [&](const CommandEntry& entry) {
                    std::vector<std::pair<std::string, std::string>> items;
                    for (const SubcommandEntry& sub : entry.subcommands) {
                      items.emplace_back(sub.name, sub.summary);
                    }
                    return reply(ZshDescribed(items));
                  }) +
         R"sh(  esac
}
_tryaudex_options() {
  reply=()
  case "$1" in
)sh" +
         CaseArms(entries,
                  [&](const CommandEntry& entry) {
                    std::vector<std::pair<std::string, std::string>> items;
                    for (const OptionEntry& option : entry.options) {
                      for (const std::string& name : option.names) {
                        items.emplace_back(name, option.help);
                      }
                    }
                    return reply(ZshDescribed(items));
                  }) +
         R"sh(  esac
}
_tryaudex_valued() {
  reply=()
  case "$1" in
)sh" +
         CaseArms(entries,
                  [&](const CommandEntry& entry) {
                    const auto names = OptionNames(entry, true);
                    return names.empty() ? std::string() : reply(Words(names));
                  }) +
         R"sh(  esac
}
# What the value of "PATH OPTION" (or PATH's positional argument) is, in
# $REPLY: "choices WORD...", "profile", "file", "directory", or nothing.
_tryaudex_value() {
  REPLY=""
  case "$1" in
)sh" + ValueArms(entries, [](const std::string& words) { return "REPLY=" + Quoted(words); }) +
         R"sh(  esac
}
_tryaudex_offer() {
  local -a profiles
  case "$1" in
    choices\ *) compadd -- ${=1#choices } ;;
    profile)
      profiles=(${(f)"$("$2" policies list 2>/dev/null | awk '/^  [^ ]/ { print $1 }')"})
      compadd -a profiles ;;
    file) _files ;;
    directory) _files -/ ;;
  esac
}
_tryaudex() {
  local cmdpath="" word option i
  local -a reply
  local REPLY
  for ((i = 2; i < CURRENT; i++)); do
    word=${words[i]}
    if [[ $word == -- ]]; then
      # The rest is the command tryaudex runs.
      words=("${(@)words[i + 1, -1]}")
      ((CURRENT -= i))
      _normal
      return
    fi
    if [[ $word == -* ]]; then
      _tryaudex_valued "$cmdpath"
      if ((i + 1 < CURRENT)) && [[ $word != *=* ]] && ((${reply[(Ie)$word]})); then
        ((i++))
      fi
      continue
    fi
    _tryaudex_commands "$cmdpath"
    if ((${reply[(I)${(b)word}(|:*)]})); then
      cmdpath=${cmdpath:+$cmdpath }$word
    fi
  done
  option=${words[CURRENT - 1]}
  if ((CURRENT > 2)) && [[ $option == -* ]]; then
    _tryaudex_valued "$cmdpath"
    if ((${reply[(Ie)$option]})); then
      _tryaudex_value "${cmdpath:+$cmdpath }$option"
      _tryaudex_offer "$REPLY" "${words[1]}"
      return
    fi
  fi
  if [[ $PREFIX == -* ]]; then
    _tryaudex_options "$cmdpath"
    _describe -t options option reply
    return
  fi
  _tryaudex_commands "$cmdpath"
  if ((${#reply})); then
    _describe -t commands command reply
  else
    _tryaudex_value "$cmdpath"
    _tryaudex_offer "$REPLY" "${words[1]}"
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _tryaudex "$@"
else
  compdef _tryaudex tryaudex
fi
)sh";
}

// fish: the path walk is a function; each word is one `complete` line
// whose condition is the path it belongs to.
std::string FishScript(const std::vector<CommandEntry>& entries) {
  std::string commands_arms, valued_arms;
  for (const CommandEntry& entry : entries) {
    const auto names = SubcommandNames(entry);
    if (!names.empty()) {
      commands_arms += fmt::format("        case {}\n            printf '%s\\n' {}\n",
                                   Quoted(entry.path, true), Words(names, true));
    }
    const auto valued = OptionNames(entry, true);
    if (!valued.empty()) {
      valued_arms += fmt::format("        case {}\n            printf '%s\\n' {}\n",
                                 Quoted(entry.path, true), Words(valued, true));
    }
  }
  std::string script = Header("fish") + R"sh(
# The sub-commands, and options that take a value, of a command path ("" is
# tryaudex itself, then "run", "policies list", ...), one a line.
function __tryaudex_commands
    switch "$argv[1]"
)sh" + commands_arms + R"sh(    end
end
function __tryaudex_valued
    switch "$argv[1]"
)sh" + valued_arms + R"sh(    end
end
# The command path of the words before the cursor; "--" once they reach the
# command tryaudex runs.
function __tryaudex_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        if test "$token" = --
            echo -- --
            return
        end
        if string match -q -- '-*' $token
            if not string match -q -- '*=*' $token; and contains -- $token (__tryaudex_valued "$path")
                set skip 1
            end
            continue
        end
        if contains -- $token (__tryaudex_commands "$path")
            set path (string join ' ' $path $token)
        end
    end
    echo -- "$path"
end
function __tryaudex_at
    test "$(__tryaudex_path)" = "$argv[1]"
end
function __tryaudex_profiles
    set -l program (commandline -opc)[1]
    $program policies list 2>/dev/null | awk '/^  [^ ]/ { print $1 }'
end
complete -c tryaudex -f -n 'not __tryaudex_at --'
)sh";
  for (const CommandEntry& entry : entries) {
    const std::string condition = Quoted("__tryaudex_at " + Quoted(entry.path, true), true);
    for (const SubcommandEntry& sub : entry.subcommands) {
      script += fmt::format("complete -c tryaudex -n {} -a {} -d {}\n", condition,
                            Quoted(sub.name, true), Quoted(sub.summary, true));
    }
    for (const OptionEntry& option : entry.options) {
      std::string line = "complete -c tryaudex -n " + condition;
      for (const std::string& name : option.names) {
        line += name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1);
      }
      if (option.takes_value) {
        switch (option.value.kind) {
          case ValueKind::kChoices:
            line += " -x -a " + Quoted(Join(option.value.choices, " "), true);
            break;
          case ValueKind::kProfile:
            line += " -x -a '(__tryaudex_profiles)'";
            break;
          case ValueKind::kFile:
          case ValueKind::kDirectory:
            line += " -r -F";
            break;
          case ValueKind::kText:
            line += " -x";
            break;
        }
      }
      script += line + " -d " + Quoted(option.help, true) + "\n";
    }
    switch (entry.positional.kind) {
      case ValueKind::kProfile:
        script += fmt::format("complete -c tryaudex -n {} -a '(__tryaudex_profiles)'\n", condition);
        break;
      case ValueKind::kChoices:
        script += fmt::format("complete -c tryaudex -n {} -a {}\n", condition,
                              Quoted(Join(entry.positional.choices, " "), true));
        break;
      case ValueKind::kFile:
      case ValueKind::kDirectory:
        script += fmt::format("complete -c tryaudex -n {} -F\n", condition);
        break;
      case ValueKind::kText:
        break;
    }
  }
  return script;
}

}  // namespace

std::optional<Shell> ShellNamed(std::string_view name) {
  if (name == "bash") return Shell::kBash;
  if (name == "zsh") return Shell::kZsh;
  if (name == "fish") return Shell::kFish;
  return std::nullopt;
}

ValueKind ValueKindOf(const std::string& type_name) {
  ValueKind value;
  // CLI11 joins the type and its validators' descriptions with ':'.
  for (std::string_view part : Split(type_name, ':')) {
    part = Trim(part);
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      value.kind = ValueKind::kChoices;
      value.choices.clear();
      for (const std::string& choice : SplitCommaList(part.substr(1, part.size() - 2))) {
        if (!choice.empty()) value.choices.push_back(choice);
      }
    } else if (value.kind == ValueKind::kText && part == "PROFILE") {
      value.kind = ValueKind::kProfile;
    } else if (value.kind == ValueKind::kText && (part == "FILE" || part == "PATH")) {
      value.kind = ValueKind::kFile;
    } else if (value.kind == ValueKind::kText && part == "DIR") {
      value.kind = ValueKind::kDirectory;
    }
  }
  return value;
}

std::string CompletionScript(const CLI::App& tree, Shell shell) {
  std::vector<CommandEntry> entries;
  Outline(tree, "", entries);
  switch (shell) {
    case Shell::kBash:
      return BashScript(entries);
    case Shell::kZsh:
      return ZshScript(entries);
    case Shell::kFish:
      return FishScript(entries);
  }
  return "";
}

CommandSpec CompletionCommand() {
  return {"completion", "Print the shell completion script for bash, zsh or fish", false,
          [](CLI::App& command) -> CommandRunner {
            auto shell = std::make_shared<std::string>();
            command.add_option("shell", *shell, "The shell: bash, zsh or fish")
                ->type_name("{bash,zsh,fish}");
            command.footer(
                "bash: source <(tryaudex completion bash) in ~/.bashrc; zsh: write it to "
                "_tryaudex in a folder of $fpath; fish: tryaudex completion fish > "
                "~/.config/fish/completions/tryaudex.fish. The .deb installs all three "
                "(docs/install.md).");
            return [shell](const Invocation& call) -> Result<int> {
              const std::optional<Shell> chosen = ShellNamed(*shell);
              if (!chosen) {
                return UsageError((shell->empty() ? std::string("no shell given")
                                                  : "unknown shell \"" + *shell + "\"") +
                                  ": give bash, zsh or fish, e.g. tryaudex completion bash");
              }
              call.context.out << CompletionScript(*CommandTree(), *chosen);
              return kExitOk;
            };
          }};
}

}  // namespace audex
