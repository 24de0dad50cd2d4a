#pragma once
// The shape of every compiler family's table of not-cached reasons (rustc/reasons, cc/reasons):
// one row per value of the family's enum, in its order, which the stats, `larder explain` and
// docs/reasons.md (checked by a unit test) all read. A new reason is a value and its row.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace larder::compiler {

template <class Reason>
struct ReasonRow {
  Reason reason;
  // The stable word: a key of `not_cached` in the stats JSON and the build records, a public
  // contract. A reason with a detail is written "word:detail" ("crate-type:bin").
  std::string_view word;
  std::string_view detail;   // what the detail names ("type"), or "" for a reason without one
  std::string_view meaning;  // Markdown, as in docs/reasons.md
  std::string_view advice;   // Markdown; "" when nothing can be done
};

// Whether a table lists each enum value once, in the enum's order: its rows are then indexed by
// the enum.
template <class Row>
constexpr bool rows_follow_the_enum(std::span<const Row> rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    if (static_cast<size_t>(rows[i].reason) != i) return false;
  }
  return true;
}

// "word" or "word:detail", as a call met the reason.
template <class Row>
std::string word_of(const Row& row, const std::string& detail) {
  return row.detail.empty() ? std::string(row.word) : std::string(row.word) + ":" + detail;
}

// The row a word was written from, or nullptr for a word this table does not have (another
// family's, or one from another release).
template <class Row>
const Row* find_row_of_word(std::span<const Row> rows, std::string_view word) {
  const size_t colon = word.find(':');
  const std::string_view stem = word.substr(0, colon);
  for (const auto& row : rows) {
    if (row.word == stem && row.detail.empty() == (colon == std::string_view::npos)) return &row;
  }
  return nullptr;
}

}  // namespace larder::compiler
