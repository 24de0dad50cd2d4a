#include "compiler/call.hpp"

namespace larder::compiler {

std::string_view language_name(Language language) {
  switch (language) {
    case Language::Rust:
      return "rust";
    case Language::C:
      return "c";
    case Language::Cxx:
      return "c++";
    case Language::Assembler:
      return "assembler";
  }
  return "rust";
}

}  // namespace larder::compiler
