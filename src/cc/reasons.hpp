#pragma once
// Why a C, C++ or assembler call is not cached: one table of reasons (reasons.cpp), in the shape
// of rustc/reasons. Stats and build records key both tables' words in one map, so no word of this
// table is also a word of rustc's (a unit test checks).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "compiler/reason_table.hpp"

namespace larder::cc {

// In the order of the table's rows. A new reason is a value here and its row in reasons.cpp.
enum class Reason : uint8_t {
  Link,
  PreprocessOnly,
  AssemblyOutput,
  NotAnObject,
  OutputToStdout,
  NoSource,
  StdinSource,
  MultipleSources,
  UnsupportedLanguage,
  PrecompiledHeader,
  ResponseFile,
  UnknownFlag,
  ExtraOutput,
  ProfileData,
  PathInObject,
  NativeCpu,
  MultipleArchitectures,
  UserHeadersDepfile,
};

using ReasonRow = compiler::ReasonRow<Reason>;

std::span<const ReasonRow> reason_table();
const ReasonRow& row_of(Reason reason);

// A reason as a call met it: "unknown-flag:-fplugin" is UnknownFlag with the detail "-fplugin".
struct NotCachedReason {
  Reason reason;
  std::string detail;  // for a reason whose row names one

  std::string word() const;
  bool operator==(const NotCachedReason&) const = default;
};

// The row a word was written from, or nullptr for a word this release does not know (stats
// and build records kept from another release, or a word of rustc's table).
const ReasonRow* row_of_word(std::string_view word);

}  // namespace larder::cc
