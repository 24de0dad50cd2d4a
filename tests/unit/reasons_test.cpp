#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "cc/reasons.hpp"
#include "rustc/reasons.hpp"

using namespace larder::rustc;
namespace cc = larder::cc;

namespace {

// The reason cell of a row in docs/reasons.md: `incremental`, `crate-type:<type>`.
template <typename Row>
std::string reason_cell(const Row& row) {
  const std::string detail = row.detail.empty() ? "" : ":<" + std::string(row.detail) + ">";
  return "`" + std::string(row.word) + detail + "`";
}

// The line docs/reasons.md must have for a row: the table's Markdown, "none" for no advice.
template <typename Row>
std::string doc_line(const Row& row) {
  return "| " + reason_cell(row) + " | " + std::string(row.meaning) + " | " +
         std::string(row.advice.empty() ? "none" : row.advice) + " |";
}

// The rows of the first reasons table in docs/reasons.md after the line `heading` ("" for the
// first table of all), by their reason cell.
std::map<std::string, std::string> doc_rows(const std::string& heading = "") {
  std::ifstream doc(std::filesystem::path(LARDER_DOCS_DIR) / "reasons.md");
  std::map<std::string, std::string> rows;
  std::string line;
  if (!heading.empty()) {
    while (std::getline(doc, line) && line != heading) {}
  }
  while (std::getline(doc, line) && line != "| reason | what happened | what you can do |") {}
  std::getline(doc, line);  // | --- | --- | --- |
  while (std::getline(doc, line) && line.starts_with("| ")) {
    rows[line.substr(2, line.find(" | ") - 2)] = line;
  }
  return rows;
}

// Checks that a docs table and a reasons table hold the same rows.
template <typename Table>
void expect_docs_match(std::map<std::string, std::string> rows, const Table& table, const std::string& source) {
  ASSERT_FALSE(rows.empty()) << "docs/reasons.md has no reasons table for " << source;
  for (const auto& row : table) {
    const auto it = rows.find(reason_cell(row));
    if (it == rows.end()) {
      ADD_FAILURE() << "docs/reasons.md lacks the row\n" << doc_line(row);
      continue;
    }
    EXPECT_EQ(it->second, doc_line(row)) << "docs/reasons.md differs from the table in " << source;
    rows.erase(it);
  }
  for (const auto& [reason, line] : rows) ADD_FAILURE() << "docs/reasons.md has " << reason << ", which the code lacks";
}

// A word the row writes, with a made-up detail where it takes one.
std::string sample_word(const ReasonRow& row) {
  return NotCachedReason{row.reason, row.detail.empty() ? "" : "x"}.word();
}
std::string sample_word(const cc::ReasonRow& row) {
  return cc::NotCachedReason{row.reason, row.detail.empty() ? "" : "x"}.word();
}

}  // namespace

TEST(Reasons, TheDocsTableSaysWhatTheCodeSays) {
  expect_docs_match(doc_rows(), reason_table(), "src/rustc/reasons.cpp");
}

TEST(Reasons, TheCcDocsTableSaysWhatTheCodeSays) {
  expect_docs_match(doc_rows("## C and C++ calls"), cc::reason_table(), "src/cc/reasons.cpp");
}

TEST(Reasons, EveryWordLeadsBackToItsRow) {
  for (const auto& row : reason_table()) {
    EXPECT_EQ(&row_of(row.reason), &row);
    EXPECT_EQ(row_of_word(sample_word(row)), &row) << sample_word(row);
  }
  EXPECT_EQ((NotCachedReason{Reason::CrateType, "bin"}).word(), "crate-type:bin");
  EXPECT_EQ(row_of_word("crate-type"), nullptr);     // its detail is missing
  EXPECT_EQ(row_of_word("incremental:x"), nullptr);  // it has none
}

TEST(Reasons, ExplanationsArePlainWords) {
  EXPECT_EQ(explain_reason("crate-type:bin").advice,
            "for a linked crate, unset LARDER_CACHE_LINKED (configuration.md)");
  for (const auto& row : reason_table()) {
    const auto text = explain_reason(sample_word(row));
    EXPECT_EQ(text.meaning.find_first_of("`[]"), std::string::npos) << text.meaning;
    EXPECT_EQ(text.advice.find_first_of("`[]"), std::string::npos) << text.advice;
  }
  EXPECT_EQ(explain_reason("from-a-newer-release").meaning, "see docs/reasons.md");
}

TEST(Reasons, EveryCcWordLeadsBackToItsRow) {
  for (const auto& row : cc::reason_table()) {
    EXPECT_EQ(&cc::row_of(row.reason), &row);
    EXPECT_EQ(cc::row_of_word(sample_word(row)), &row) << sample_word(row);
  }
  EXPECT_EQ((cc::NotCachedReason{cc::Reason::UnknownFlag, "-fplugin"}).word(), "unknown-flag:-fplugin");
  EXPECT_EQ(cc::row_of_word("unknown-flag:-Wa,-I"), &cc::row_of(cc::Reason::UnknownFlag));
  EXPECT_EQ(cc::row_of_word("unknown-flag"), nullptr);  // its detail is missing
  EXPECT_EQ(cc::row_of_word("link:x"), nullptr);        // it has none
}

// Stats and build records key the words of both tables in one map.
TEST(Reasons, NoWordIsInBothTables) {
  std::set<std::string_view> words;
  for (const auto& row : reason_table()) EXPECT_TRUE(words.insert(row.word).second) << row.word;
  for (const auto& row : cc::reason_table()) {
    EXPECT_TRUE(words.insert(row.word).second) << row.word;
    EXPECT_EQ(row_of_word(sample_word(row)), nullptr) << sample_word(row);
  }
  for (const auto& row : reason_table()) EXPECT_EQ(cc::row_of_word(sample_word(row)), nullptr) << sample_word(row);
}
