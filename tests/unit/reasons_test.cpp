#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "rustc/reasons.hpp"

using namespace larder::rustc;

namespace {

// The reason cell of a row in docs/reasons.md: `incremental`, `crate-type:<type>`.
std::string reason_cell(const ReasonRow& row) {
  const std::string detail = row.detail.empty() ? "" : ":<" + std::string(row.detail) + ">";
  return "`" + std::string(row.word) + detail + "`";
}

// The line docs/reasons.md must have for a row: the table's Markdown, "none" for no advice.
std::string doc_line(const ReasonRow& row) {
  return "| " + reason_cell(row) + " | " + std::string(row.meaning) + " | " +
         std::string(row.advice.empty() ? "none" : row.advice) + " |";
}

// The rows of the reasons table in docs/reasons.md, by their reason cell.
std::map<std::string, std::string> doc_rows() {
  std::ifstream doc(std::filesystem::path(LARDER_DOCS_DIR) / "reasons.md");
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(doc, line) && line != "| reason | what happened | what you can do |") {}
  std::getline(doc, line);  // | --- | --- | --- |
  while (std::getline(doc, line) && line.starts_with("| ")) {
    rows[line.substr(2, line.find(" | ") - 2)] = line;
  }
  return rows;
}

// A word the row writes, with a made-up detail where it takes one.
std::string sample_word(const ReasonRow& row) {
  return NotCachedReason{row.reason, row.detail.empty() ? "" : "x"}.word();
}

}  // namespace

TEST(Reasons, TheDocsTableSaysWhatTheCodeSays) {
  auto rows = doc_rows();
  ASSERT_FALSE(rows.empty()) << "docs/reasons.md has no reasons table";
  for (const auto& row : reason_table()) {
    const auto it = rows.find(reason_cell(row));
    if (it == rows.end()) {
      ADD_FAILURE() << "docs/reasons.md lacks the row\n" << doc_line(row);
      continue;
    }
    EXPECT_EQ(it->second, doc_line(row)) << "docs/reasons.md differs from the table in src/rustc/reasons.cpp";
    rows.erase(it);
  }
  for (const auto& [reason, line] : rows) ADD_FAILURE() << "docs/reasons.md has " << reason << ", which the code lacks";
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
