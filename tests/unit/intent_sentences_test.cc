// The offline intent parser against a table of everyday sentences over
// many services (intent_sentences.tsv), each with the exact grants the AWS
// documentation says the operation needs. A grant is one (action, resource)
// pair of the checked policy's statements ("*" for an unrestricted action).
// The test prints precision and recall over the grants of the whole table,
// and fails when fewer than 90 % of the sentences come out exactly right,
// when any sentence grants an access level it did not ask for, or when an
// answer does not pass the catalog check Claude's answers go through.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/access_level.h"
#include "catalog/action_catalog.h"
#include "catalog/intent/offline_intent.h"
#include "catalog/intent_check.h"
#include "core/base/text.h"

namespace audex {
namespace {

using Grant = std::pair<std::string, std::string>;  // action, resource ("*": any)

struct Row {
  int line = 0;
  std::string sentence;
  AccessLevelSet asked;
  std::set<Grant> grants;
};

std::vector<std::string> Split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    parts.push_back(std::string(Trim(text.substr(start, at - start))));
    if (at == std::string::npos) break;
    start = at + separator.size();
  }
  return parts;
}

std::vector<Row> ReadTable() {
  std::ifstream in(std::string(AUDEX_UNIT_TEST_DIR) + "/intent_sentences.tsv");
  std::vector<Row> rows;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> columns = Split(line, "\t");
    EXPECT_EQ(columns.size(), 3u) << "intent_sentences.tsv:" << number;
    if (columns.size() != 3) continue;
    Row row;
    row.line = number;
    row.sentence = columns[0];
    for (const std::string& level : Split(columns[1], ",")) {
      const auto parsed = ParseAccessLevelName(level);
      EXPECT_TRUE(parsed) << "intent_sentences.tsv:" << number << ": level " << level;
      if (parsed) row.asked = row.asked | *parsed;
    }
    for (const std::string& statement : Split(columns[2], " | ")) {
      const std::vector<std::string> sides = Split(statement, " @ ");
      EXPECT_EQ(sides.size(), 2u) << "intent_sentences.tsv:" << number;
      if (sides.size() != 2) continue;
      for (const std::string& action : Split(sides[0], ",")) {
        for (const std::string& resource : Split(sides[1], ",")) {
          row.grants.emplace(action, resource);
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::set<Grant> GrantsOf(const IntentPolicy& policy) {
  std::set<Grant> grants;
  std::vector<IntentStatement> statements = policy.statements;
  if (statements.empty()) statements.push_back(IntentStatement{policy.actions, policy.resources});
  for (const IntentStatement& statement : statements) {
    for (const std::string& action : statement.actions) {
      if (statement.resources.empty()) grants.emplace(action, "*");
      for (const std::string& resource : statement.resources) grants.emplace(action, resource);
    }
  }
  return grants;
}

std::string Show(const std::set<Grant>& grants) {
  std::string out;
  for (const auto& [action, resource] : grants) {
    out += (out.empty() ? "" : ", ") + action + " @ " + resource;
  }
  return out.empty() ? "(nothing)" : out;
}

TEST(IntentSentences, MostAreExactlyRightAndNoneGrantsALevelNotAskedFor) {
  const std::vector<Row> rows = ReadTable();
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  ASSERT_GE(rows.size(), 150u);
  std::set<std::string> services;
  for (const Row& row : rows) {
    for (const auto& [action, resource] : row.grants) {
      services.insert(action.substr(0, action.find(':')));
    }
  }
  EXPECT_GE(services.size(), 30u);

  size_t exact = 0, produced_total = 0, expected_total = 0, matched = 0;
  size_t action_produced = 0, action_expected = 0, action_matched = 0;
  std::vector<std::string> misses;
  for (const Row& row : rows) {
    const std::string where =
        "intent_sentences.tsv:" + std::to_string(row.line) + " \"" + row.sentence + "\"";
    std::set<Grant> produced;
    auto parsed = ParseIntentOffline(row.sentence, Provider::kAws);
    if (parsed) {
      auto checked = CheckIntent(parsed->policy, Provider::kAws, catalog, "the offline parser");
      ASSERT_TRUE(checked) << where << ": " << checked.error().message;
      for (const std::string& warning : checked->warnings) {
        EXPECT_EQ(warning.find("removed"), std::string::npos) << where << ": " << warning;
        EXPECT_EQ(warning.find("dropped"), std::string::npos) << where << ": " << warning;
      }
      produced = GrantsOf(checked->policy);
      // Least privilege: no action at a level the sentence did not ask for.
      for (const std::string& action : checked->policy.actions) {
        const auto found = catalog.Lookup(action);
        ASSERT_TRUE(found) << where << ": " << action;
        EXPECT_EQ(found->access_levels().bits() & ~row.asked.bits(), 0)
            << where << ": " << action << " is " << FormatAccessLevels(found->access_levels())
            << ", asked for " << FormatAccessLevels(row.asked);
      }
    }
    produced_total += produced.size();
    expected_total += row.grants.size();
    for (const Grant& grant : produced) matched += row.grants.count(grant);
    std::set<std::string> produced_actions, expected_actions;
    for (const auto& grant : produced) produced_actions.insert(grant.first);
    for (const auto& grant : row.grants) expected_actions.insert(grant.first);
    action_produced += produced_actions.size();
    action_expected += expected_actions.size();
    for (const std::string& action : produced_actions) {
      action_matched += expected_actions.count(action);
    }
    if (produced == row.grants) {
      ++exact;
    } else {
      misses.push_back(where + "\n      want " + Show(row.grants) + "\n      got  " +
                       (parsed ? Show(produced) : "error: " + parsed.error().message));
    }
  }
  const auto percent = [](size_t part, size_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  };
  std::ostringstream report;
  report.precision(1);
  report << std::fixed << rows.size() << " sentences over " << services.size()
         << " services: " << exact << " exactly right (" << percent(exact, rows.size())
         << " %); grants: precision " << percent(matched, produced_total) << " %, recall "
         << percent(matched, expected_total) << " %; actions: precision "
         << percent(action_matched, action_produced) << " %, recall "
         << percent(action_matched, action_expected) << " %\n";
  for (const std::string& miss : misses) report << "  miss: " << miss << "\n";
  std::cout << report.str();
  EXPECT_GE(percent(exact, rows.size()), 90.0) << report.str();
}

}  // namespace
}  // namespace audex
