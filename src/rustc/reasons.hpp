#pragma once
// Plain-words explanations of the `not_cached` reasons, for `larder stats` and the docs.
#include <string>
#include <string_view>

namespace larder::rustc {

struct ReasonText {
  std::string meaning;
  std::string advice;  // what the user can do, or "" when nothing is needed
};

ReasonText explain_reason(std::string_view reason);

}  // namespace larder::rustc
