#pragma once
// A not-cached reason's word ("crate-type:bin", "unknown-flag:-fplugin") as plain words, from the
// table of the compiler family that wrote it (rustc/reasons, cc/reasons).
#include <string>
#include <string_view>

namespace larder::cli {

struct ReasonText {
  std::string meaning;  // "see docs/reasons.md" for a word this release does not know
  std::string advice;   // what the user can do, or "" when nothing is needed
};

ReasonText reason_text(std::string_view word);

}  // namespace larder::cli
