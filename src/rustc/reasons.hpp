#pragma once
// Why a call is not cached: one table of reasons (reasons.cpp) that the analysis, the stats,
// `larder explain` and docs/reasons.md (checked by a unit test) all read.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "compiler/reason_table.hpp"

namespace larder::rustc {

// In the order of the table's rows. A new reason is a value here and its row in reasons.cpp.
enum class Reason : uint8_t {
  Incremental,
  CrateType,
  TestHarness,
  NoCrateType,
  LinkedTarget,
  LinkerFlavor,
  LinkArgFile,
  MultipleInputs,
  StdinInput,
  OutputFile,
  EmitToStdout,
  Emit,
  OutputCollision,
  TargetNaming,
  NoCrateName,
  SplitDebuginfo,
  SaveTemps,
  ProfileUse,
  UnknownOption,
  Argfile,
  WorkspaceWrapper,
};

using ReasonRow = compiler::ReasonRow<Reason>;

std::span<const ReasonRow> reason_table();
const ReasonRow& row_of(Reason reason);

// A reason as a call met it: "crate-type:bin" is CrateType with the detail "bin".
struct NotCachedReason {
  Reason reason;
  std::string detail;  // for a reason whose row names one

  std::string word() const;
};

// The row a word was written from, or nullptr for a word this release does not know (stats
// and build records kept from another release).
const ReasonRow* row_of_word(std::string_view word);

// Plain words for the terminal, the JSON outputs and the job summary.
struct ReasonText {
  std::string meaning;
  std::string advice;  // what the user can do, or "" when nothing is needed
};

ReasonText explain_reason(std::string_view word);

}  // namespace larder::rustc
