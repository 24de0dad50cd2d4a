#pragma once
// The families of GCC and Clang flags with too many members for the option table of
// arguments.cpp: -f…, -g…, -m…, -O…, -W…, and the options -Wa, passes to the assembler. Each
// member is known to change only the object's code or the diagnostics, or is a reason not to
// cache; anything else is unknown.
#include <cstdint>
#include <string_view>

#include "cc/arguments.hpp"
#include "cc/reasons.hpp"

namespace larder::cc {

struct FlagClass {
  enum class Kind : uint8_t {
    Key,         // belongs to the key and changes nothing else
    Reason,      // the call is not cached, for `reason`
    Unknown,     // not a member larder knows
    SyntaxOnly,  // -fsyntax-only: no object is written
  };
  Kind kind = Kind::Unknown;
  Reason reason = Reason::UnknownFlag;
  // For a key flag "-fname=value" whose value is a path: Path or PathMap; else None.
  ValueKind value_kind = ValueKind::None;
};

FlagClass classify_f(std::string_view flag);  // -fPIC, -fno-exceptions, -fdebug-prefix-map=…
FlagClass classify_g(std::string_view flag);  // -g, -g1, -gdwarf-4, -gsplit-dwarf…
FlagClass classify_m(std::string_view flag);  // -m64, -march=…, -mllvm…
FlagClass classify_O(std::string_view flag);  // -O, -O2, -Os, -Ofast…
FlagClass classify_W(std::string_view flag);  // -Wall, -Wno-unused, -Werror=…, not -Wa, -Wl, -Wp,

// One option the assembler gets through -Wa,… or -Xassembler. `takes_next` is set for an option
// whose value is the next comma-separated part (-defsym).
FlagClass classify_assembler_option(std::string_view option, bool& takes_next);

}  // namespace larder::cc
