#pragma once
// What one rustc call will produce, and whether larder can cache it, or why not (reasons.hpp).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compiler/call.hpp"
#include "rustc/arguments.hpp"
#include "rustc/reasons.hpp"

namespace larder::rustc {

using ExpectedOutput = compiler::ExpectedOutput;

enum class CallKind {
  Compile,        // a compilation larder can cache
  NotCacheable,   // a compilation larder passes through (see reason)
  NotCompilation  // a probe: -vV, --print, --help, stdin input with --print
};

struct Compilation {
  CallKind kind = CallKind::NotCacheable;
  std::optional<NotCachedReason> reason;  // for NotCacheable
  std::vector<ExpectedOutput> outputs;
  // Where rustc writes dep-info. When the call did not ask for dep-info, larder asks for it at
  // a temporary path (`injected_dep_info`) and removes it afterwards.
  std::filesystem::path dep_info_path;
  bool injected_dep_info = false;
  // A crate that is linked (bin, proc-macro, dylib, cdylib, test harness): larder asks the
  // linker to list every file it read at `link_inputs_path` (ld --dependency-file).
  bool linked = false;
  std::filesystem::path link_inputs_path;
};

struct AnalysisOptions {
  // Crate types that need a link step (bin, proc-macro, dylib, cdylib) are cacheable only
  // when this is set (linked-crate caching).
  bool cache_linked = false;
};

Compilation analyze(const ParsedArguments& args, const std::filesystem::path& cwd, const AnalysisOptions& options = {});

}  // namespace larder::rustc
