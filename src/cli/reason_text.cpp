#include "cli/reason_text.hpp"

#include "cc/reasons.hpp"
#include "rustc/reasons.hpp"
#include "util/strings.hpp"

namespace larder::cli {

ReasonText reason_text(std::string_view word) {
  // The two tables share no word (a unit test checks it).
  if (rustc::row_of_word(word) != nullptr) {
    auto text = rustc::explain_reason(word);
    return {std::move(text.meaning), std::move(text.advice)};
  }
  if (const auto* row = cc::row_of_word(word)) {
    return {markdown_as_plain_text(row->meaning), markdown_as_plain_text(row->advice)};
  }
  return {"see docs/reasons.md", ""};
}

}  // namespace larder::cli
