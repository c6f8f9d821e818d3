// The pages follow man-pages(7): NAME ("name \- one line", which apropos
// and lintian's whatis check read), SYNOPSIS, DESCRIPTION, OPTIONS, then
// EXIT STATUS and SEE ALSO, with the man(7) macros only.
#include "cli/man_page.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"

namespace audex {
namespace {

std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app) {
  std::vector<const CLI::App*> visible;
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>())) {
    if (!sub->get_group().empty()) visible.push_back(sub);  // CLI11 hides an empty group
  }
  return visible;
}

// Option names and words the reader types: every '-' a minus sign (\-),
// so that they can be searched for and copied (groff_man(7)).
std::string Literal(std::string_view word) {
  std::string roff;
  for (char c : word) {
    if (c == '-') {
      roff += "\\-";
    } else if (c == '\\') {
      roff += "\\e";
    } else {
      roff += c;
    }
  }
  return roff;
}

// "--allow TEXT" as a .TP tag: the names in bold, the value in italics.
std::string OptionTag(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const std::string& name : option.get_snames())
    names.push_back("\\fB" + Literal("-" + name) + "\\fR");
  for (const std::string& name : option.get_lnames()) {
    names.push_back("\\fB" + Literal("--" + name) + "\\fR");
  }
  std::string tag = Join(names, ", ");
  if (option.get_type_size_max() > 0) {
    tag += " \\fI" + Literal(option.get_type_name()) + "\\fR";
    if (option.get_expected_max() > 1) tag += " ...";
  }
  return tag;
}

std::string OptionsSection(const CLI::App& app, const char* heading) {
  std::string roff;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (roff.empty()) roff = fmt::format(".{}\n", heading);
    if (option->get_positional()) {
      roff += fmt::format(".TP\n\\fI{}\\fR\n{}\n", Literal(option->get_name()),
                          RoffText(option->get_description()));
    } else {
      roff += fmt::format(".TP\n{}\n{}\n", OptionTag(*option), RoffText(option->get_description()));
    }
  }
  return roff;
}

// "tryaudex policies show [OPTIONS] NAME" in bold and italics.
std::string SynopsisLine(const CLI::App& app, const std::string& words, bool takes_command) {
  std::string line = fmt::format(".B {}\n", Literal(words));
  std::string rest;
  bool has_options = false;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (!option->get_positional()) {
      has_options = true;
      continue;
    }
    const std::string name = "\\fI" + Literal(option->get_name()) + "\\fR";
    const std::string many = option->get_expected_max() > 1 ? " ..." : "";
    rest += option->get_required() ? " " + name + many : " [" + name + many + "]";
  }
  if (has_options) rest = " [\\fIOPTIONS\\fR]" + rest;
  if (!VisibleSubcommands(app).empty()) rest += " \\fICOMMAND\\fR";
  if (takes_command) rest += " \\fB\\-\\-\\fR \\fICOMMAND\\fR [\\fIARG\\fR ...]";
  if (!rest.empty()) line += rest.substr(1) + "\n";
  return line;
}

std::string TitleLine(const std::string& page, std::string_view date) {
  std::string upper;
  for (char c : page) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  // No hyphenation and a ragged right: ARNs, file names and action names
  // must read as typed.
  return fmt::format(".TH {} 1 \"{}\" \"tryaudex {}\" \"User Commands\"\n.nh\n.ad l\n",
                     Literal(upper), date, AUDEX_VERSION);
}

// A summary as a NAME line: lower-case first letter, nothing after a ':'
// (the run summary ends in its synopsis), no final period.
std::string WhatIs(std::string summary) {
  summary = summary.substr(0, summary.find(':'));
  if (!summary.empty() && summary.back() == '.') summary.pop_back();
  if (!summary.empty() && summary[0] >= 'A' && summary[0] <= 'Z' &&
      !(summary.size() > 1 && summary[1] >= 'A' && summary[1] <= 'Z')) {
    summary[0] = static_cast<char>(summary[0] - 'A' + 'a');
  }
  return summary;
}

bool TakesCommand(const std::string& name) {
  for (const CommandSpec& spec : Commands()) {
    if (name == spec.name) return spec.takes_command;
  }
  return false;
}

ManPage CommandPage(const CLI::App& command, const std::string& top_footer, std::string_view date) {
  const std::string name = command.get_name();
  const std::string page = "tryaudex-" + name;
  std::string roff = TitleLine(page, date);
  roff += fmt::format(".SH NAME\n{} \\- {}\n", Literal(page),
                      RoffText(WhatIs(command.get_description())));
  roff += ".SH SYNOPSIS\n";
  const std::vector<const CLI::App*> subcommands = VisibleSubcommands(command);
  if (subcommands.empty()) {
    roff += SynopsisLine(command, "tryaudex " + name, TakesCommand(name));
  } else {
    for (size_t i = 0; i < subcommands.size(); ++i) {
      if (i > 0) roff += ".br\n";
      roff += SynopsisLine(*subcommands[i], "tryaudex " + name + " " + subcommands[i]->get_name(),
                           false);
    }
  }
  roff += ".SH DESCRIPTION\n" + RoffText(command.get_description()) + "\n";
  if (TakesCommand(name)) {
    roff += ".PP\nEverything after \\fB\\-\\-\\fR is the command, passed on untouched.\n";
  }
  // CLI11 hands tryaudex's footer (the exit codes) down to every command:
  // EXIT STATUS has it; a command's own footer is part of its description.
  if (const std::string footer = command.get_footer(); !footer.empty() && footer != top_footer) {
    roff += ".PP\n" + RoffText(footer) + "\n";
  }
  roff += OptionsSection(command, "SH OPTIONS");
  if (!subcommands.empty()) {
    roff += ".SH COMMANDS\n";
    for (const CLI::App* sub : subcommands) {
      roff += fmt::format(".SS {}\n", Literal("tryaudex " + name + " " + sub->get_name()));
      roff += RoffText(sub->get_description()) + "\n";
      const std::string options = OptionsSection(*sub, "PP");
      if (!options.empty()) roff += options;
      for (const CLI::App* nested : VisibleSubcommands(*sub)) {
        roff += fmt::format(".TP\n\\fB{}\\fR\n{}\n", Literal(nested->get_name()),
                            RoffText(nested->get_description()));
      }
    }
  }
  roff += ".SH EXIT STATUS\nAs for every command: see\n.BR tryaudex (1).\n";
  roff += ".SH SEE ALSO\n.BR tryaudex (1)\n";
  return {page + ".1", roff};
}

ManPage TopPage(const CLI::App& tree, std::string_view date) {
  std::string roff = TitleLine("tryaudex", date);
  // "Audex: scoped, ..." names the project before its colon.
  const std::string description = tree.get_description();
  const size_t colon = description.find(": ");
  roff +=
      ".SH NAME\ntryaudex \\- " +
      RoffText(WhatIs(colon == std::string::npos ? description : description.substr(colon + 2))) +
      "\n";
  roff += ".SH SYNOPSIS\n.B tryaudex\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n";
  roff += ".SH DESCRIPTION\n" + RoffText(tree.get_description()) + "\n";
  roff +=
      ".PP\nEach command has its own page, listed under COMMANDS, and its own\n"
      ".BR \\-\\-help .\n";
  roff += OptionsSection(tree, "SH OPTIONS");
  roff += ".SH COMMANDS\n";
  std::vector<std::string> see_also;
  for (const CLI::App* command : VisibleSubcommands(tree)) {
    const std::string page = Literal("tryaudex-" + command->get_name());
    roff += fmt::format(".TP\n\\fB{}\\fR\n{} See\n.BR {} (1).\n", Literal(command->get_name()),
                        RoffText(command->get_description()), page);
    see_also.push_back(fmt::format(".BR {} (1)", page));
  }
  roff += ".SH EXIT STATUS\n";
  for (const ExitCodeMeaning& meaning : ExitCodeMeanings()) {
    roff += fmt::format(".TP\n.B {}\n{}\n", meaning.code, RoffText(meaning.meaning));
  }
  roff += ".SH SEE ALSO\n";
  for (size_t i = 0; i < see_also.size(); ++i) {
    roff += see_also[i] + (i + 1 < see_also.size() ? ",\n" : "\n");
  }
  return {"tryaudex.1", roff};
}

}  // namespace

std::string RoffText(std::string_view text) {
  std::string roff;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) roff += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      roff += "\\e";
    } else {
      roff += c;
    }
  }
  return roff;
}

std::vector<ManPage> ManPages(const CLI::App& tree, std::string_view date) {
  std::vector<ManPage> pages = {TopPage(tree, date)};
  for (const CLI::App* command : VisibleSubcommands(tree)) {
    pages.push_back(CommandPage(*command, tree.get_footer(), date));
  }
  return pages;
}

}  // namespace audex
