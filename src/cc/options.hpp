#pragma once
// The GCC and Clang options arguments.cpp knows by name (before the families of flag_families):
// how each takes its value and what it does to the call. Used by arguments.cpp only.
#include <cstdint>
#include <string_view>

#include "cc/arguments.hpp"
#include "cc/reasons.hpp"

namespace larder::cc {

// How an option takes its value.
enum class Form : uint8_t {
  Flag,              // none: "-c"
  Joined,            // glued on, matched as a prefix: "-std=c11", "-Wl,--gc-sections"
  Separate,          // the next argument: "-arch x86_64"
  JoinedOrSeparate,  // either: "-I dir", "-Idir"
};

// What an option does to the call.
enum class Role : uint8_t {
  Key,                 // belongs to the key, value as `kind` says
  Compile,             // -c
  Preprocess,          // -E, -M, -MM
  Assembly,            // -S
  Output,              // -o
  Language,            // -x
  Include,             // -I and its kin: `include` says which
  ForcedMacros,        // -imacros
  ForcedInclude,       // -include
  Sysroot,             // --sysroot
  HeaderSysroot,       // -isysroot
  NoStdInc,            // -nostdinc
  DepMD,               // -MD
  DepMMD,              // -MMD
  DepMF,               // -MF
  DepMT,               // -MT
  DepMQ,               // -MQ
  DepMP,               // -MP
  Arch,                // -arch
  Assembler,           // -Wa,…
  AssemblerOption,     // -Xassembler
  Preprocessor,        // -Wp,…
  PreprocessorOption,  // -Xpreprocessor
  Xclang,              // -Xclang
  Query,               // prints something and compiles nothing
  Verbose,             // -v
  EndOfOptions,        // --
  NotCached,           // a reason not to cache: `reason`
  Unknown,             // known to be unsupported; its value is skipped so the rest still parses
};

struct Option {
  std::string_view spelling;
  Form form;
  Role role;
  // For Key: the normalised spelling ("--target=" for "-target"), the value's kind.
  std::string_view key_option = "";
  ValueKind kind = ValueKind::None;
  IncludeKind include = IncludeKind::Angled;
  Reason reason = Reason::UnknownFlag;
};

// The option `arg` is: matched exactly for Flag and Separate, as a prefix (the longest wins) for
// Joined and JoinedOrSeparate; nullptr for none.
const Option* find_option(std::string_view arg);

}  // namespace larder::cc
