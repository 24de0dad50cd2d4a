#include "cc/flag_families.hpp"

#include <span>

namespace larder::cc {

namespace {

using Kind = FlagClass::Kind;

// A pattern names members of a family by their name after its prefix: "name" matches itself,
// "name=" the name with any value, "name*" any name that starts with it.
bool matches(std::string_view pattern, std::string_view name) {
  if (pattern.ends_with('*')) return name.starts_with(pattern.substr(0, pattern.size() - 1));
  if (pattern.ends_with('=')) return name.starts_with(pattern);
  return name == pattern;
}

// `patterns` is a list separated by spaces.
bool any_matches(std::string_view patterns, std::string_view name) {
  while (!patterns.empty()) {
    const size_t space = patterns.find(' ');
    if (matches(patterns.substr(0, space), name)) return true;
    patterns.remove_prefix(space == std::string_view::npos ? patterns.size() : space + 1);
  }
  return false;
}

// A member that is more than a key flag: a reason not to cache, or one whose value is a path.
struct Special {
  std::string_view pattern;
  FlagClass verdict;
};

const FlagClass* find_special(std::span<const Special> specials, std::string_view name) {
  for (const auto& special : specials) {
    if (matches(special.pattern, name)) return &special.verdict;
  }
  return nullptr;
}

constexpr FlagClass reason(Reason why) { return {Kind::Reason, why}; }

// -f flags by their name without "-f" or "-fno-", from the GCC and Clang manuals. These change
// only the object's code or what the compiler prints; an -f flag in no list here is unknown.
constexpr std::string_view kCodeGeneration =
    "PIC pic PIE pie plt common function-sections data-sections unique-section-names omit-frame-pointer "
    "strict-aliasing strict-overflow wrapv wrapv-pointer trapv exceptions cxx-exceptions non-call-exceptions rtti "
    "asynchronous-unwind-tables unwind-tables stack-protector stack-protector-strong stack-protector-all "
    "stack-protector-explicit stack-clash-protection stack-check stack-check= split-stack builtin builtin-* "
    "freestanding hosted signed-char unsigned-char signed-bitfields unsigned-bitfields short-enums short-wchar "
    "pack-struct pack-struct= delete-null-pointer-checks semantic-interposition threadsafe-statics use-cxa-atexit "
    "gnu-unique visibility= visibility-inlines-hidden visibility-ms-compat zero-initialized-in-bss jump-tables "
    "merge-all-constants merge-constants merge-debug-strings ident addrsig emulated-tls integrated-as "
    "dwarf2-cfi-asm cf-protection cf-protection= zero-call-used-regs= patchable-function-entry= tls-model= "
    "pcc-struct-return reg-struct-return trivial-auto-var-init= strict-enums strict-volatile-bitfields "
    "strict-flex-arrays strict-flex-arrays= fixed-* call-saved-* call-used-* leading-underscore "
    "instrument-functions instrument-functions-exclude-file-list= instrument-functions-exclude-function-list= "
    "verbose-asm use-init-array hardened wasm-exceptions embed-bitcode embed-bitcode= use-ld= openmp openmp-simd "
    "lto lto=* lto-* fat-lto-objects whole-program-vtables split-lto-unit virtual-function-elimination "
    "force-emit-vtables strict-vtable-pointers sanitize= sanitize-recover sanitize-recover= sanitize-trap "
    "sanitize-trap= sanitize-address-use-after-scope sanitize-address-use-after-return= "
    "sanitize-address-globals-dead-stripping sanitize-minimal-runtime sanitize-cfi-cross-dso "
    "sanitize-cfi-icall-generalize-pointers sanitize-memory-track-origins sanitize-memory-track-origins= "
    "sanitize-undefined-trap-on-error sanitize-coverage=";
constexpr std::string_view kFloatingPoint =
    "math-errno fast-math finite-math-only signed-zeros trapping-math rounding-math signaling-nans "
    "reciprocal-math associative-math unsafe-math-optimizations honor-infinities honor-nans approx-func "
    "fp-contract= fp-model= fp-exception-behavior= denormal-fp-math= excess-precision= float-store "
    "single-precision-constant cx-limited-range cx-fortran-rules fp-int-builtin-inexact";
constexpr std::string_view kOptimisation =
    "inline inline-* keep-inline-functions keep-static-consts implicit-templates implicit-inline-templates "
    "optimize-sibling-calls optimize-strlen unroll-loops unroll-all-loops peel-loops vectorize slp-vectorize "
    "tree-* ipa-* sched-* schedule-insns schedule-insns2 align-* defer-pop gcse gcse-* expensive-optimizations "
    "guess-branch-probability if-conversion if-conversion2 code-hoisting crossjumping cse-follow-jumps "
    "devirtualize devirtualize-speculatively move-loop-invariants prefetch-loop-arrays shrink-wrap "
    "shrink-wrap-separate split-loops unswitch-loops tracer web rename-registers partial-inlining peephole "
    "peephole2 caller-saves store-merging thread-jumps isolate-erroneous-paths-dereference "
    "isolate-erroneous-paths-attribute lifetime-dse lifetime-dse= allow-store-data-races conserve-stack "
    "reorder-blocks reorder-blocks-and-partition reorder-blocks-algorithm= reorder-functions toplevel-reorder "
    "assume-sane-operator-new";
constexpr std::string_view kDebugInformation =
    "var-tracking var-tracking-assignments eliminate-unused-debug-types eliminate-unused-debug-symbols "
    "debug-types-section standalone-debug split-dwarf-inlining";
constexpr std::string_view kDialect =
    "asm gnu89-inline gnu-keywords gnu-inline-asm ms-extensions ms-compatibility ms-compatibility-version= "
    "declspec blocks dollars-in-identifiers permissive operator-names char8_t sized-deallocation "
    "aligned-allocation aligned-new aligned-new= new-alignment= coroutines concepts elide-constructors check-new "
    "access-control strong-eval-order strong-eval-order= exec-charset= input-charset= wide-exec-charset= "
    "extended-identifiers complete-member-pointers delayed-template-parsing relaxed-template-template-args "
    "force-enable-int128 template-depth= constexpr-depth= constexpr-steps= constexpr-loop-limit= "
    "constexpr-ops-limit= bracket-depth= canonical-system-headers";
// Only the text of the diagnostics; the formats that write a file (sarif-file, json-file) are
// not here.
constexpr std::string_view kDiagnostics =
    "diagnostics-color diagnostics-color= color-diagnostics diagnostics-show-option diagnostics-show-caret "
    "diagnostics-show-labels diagnostics-show-line-numbers diagnostics-show-template-tree "
    "diagnostics-show-note-include-stack diagnostics-fixit-info diagnostics-parseable-fixits "
    "diagnostics-absolute-paths diagnostics-path-format= diagnostics-column-unit= diagnostics-column-origin= "
    "diagnostics-urls= diagnostics-minimum-margin-width= diagnostics-format=text diagnostics-format=json "
    "diagnostics-format=json-stderr diagnostics-format=sarif-stderr diagnostics-format=clang "
    "diagnostics-format=msvc diagnostics-format=vi message-length= show-column show-source-location "
    "caret-diagnostics ansi-escape-codes max-errors= error-limit= template-backtrace-limit= "
    "macro-backtrace-limit= spell-checking elide-type show-overloads= track-macro-expansion "
    "track-macro-expansion= tabstop=";

constexpr Special kSpecialF[] = {
    {"syntax-only", {Kind::SyntaxOnly}},
    // Prefix maps and the compilation folder: their values hold paths.
    {"debug-prefix-map=", {Kind::Key, Reason::UnknownFlag, ValueKind::PathMap}},
    {"file-prefix-map=", {Kind::Key, Reason::UnknownFlag, ValueKind::PathMap}},
    {"macro-prefix-map=", {Kind::Key, Reason::UnknownFlag, ValueKind::PathMap}},
    {"debug-compilation-dir=", {Kind::Key, Reason::UnknownFlag, ValueKind::Path}},
    {"file-compilation-dir=", {Kind::Key, Reason::UnknownFlag, ValueKind::Path}},
    // Files written beside the object.
    {"dump-*", reason(Reason::ExtraOutput)},
    {"stack-usage", reason(Reason::ExtraOutput)},
    {"callgraph-info", reason(Reason::ExtraOutput)},
    {"callgraph-info=", reason(Reason::ExtraOutput)},
    {"test-coverage", reason(Reason::ExtraOutput)},
    {"time-trace", reason(Reason::ExtraOutput)},
    {"time-trace=", reason(Reason::ExtraOutput)},
    {"save-optimization-record", reason(Reason::ExtraOutput)},
    {"save-optimization-record=", reason(Reason::ExtraOutput)},
    {"optimization-record-file=", reason(Reason::ExtraOutput)},
    // Profiles read.
    {"profile-use", reason(Reason::ProfileData)},
    {"profile-use=", reason(Reason::ProfileData)},
    {"profile-instr-use", reason(Reason::ProfileData)},
    {"profile-instr-use=", reason(Reason::ProfileData)},
    {"profile-sample-use=", reason(Reason::ProfileData)},
    {"auto-profile", reason(Reason::ProfileData)},
    {"auto-profile=", reason(Reason::ProfileData)},
    {"branch-probabilities", reason(Reason::ProfileData)},
    // GCC names the .gcda file after the object's absolute path; the switches record -o.
    {"profile-arcs", reason(Reason::PathInObject)},
    {"profile-generate", reason(Reason::PathInObject)},
    {"profile-generate=", reason(Reason::PathInObject)},
    {"profile-instr-generate", reason(Reason::PathInObject)},
    {"profile-instr-generate=", reason(Reason::PathInObject)},
    {"cs-profile-generate", reason(Reason::PathInObject)},
    {"cs-profile-generate=", reason(Reason::PathInObject)},
    {"record-gcc-switches", reason(Reason::PathInObject)},
    {"record-command-line", reason(Reason::PathInObject)},
    {"pch-*", reason(Reason::PrecompiledHeader)},
};

// -g flags by their name without "-g" (which is one too).
constexpr std::string_view kDebug =
    "0 1 2 3 gdb gdb0 gdb1 gdb2 gdb3 dwarf dwarf-2 dwarf-3 dwarf-4 dwarf-5 dwarf32 dwarf64 z z= line-tables-only "
    "line-directives-only mlt full used column-info no-column-info strict-dwarf no-strict-dwarf btf ctf ctf0 ctf1 "
    "ctf2 codeview codeview-ghash no-codeview-ghash embed-source no-embed-source pubnames no-pubnames "
    "gnu-pubnames no-gnu-pubnames simple-template-names simple-template-names= no-simple-template-names "
    "variable-location-views variable-location-views=incompat5 no-variable-location-views inline-points "
    "no-inline-points statement-frontiers no-statement-frontiers as-loc-support no-as-loc-support "
    "as-locview-support no-as-locview-support describe-dies no-describe-dies internal-reset-location-views "
    "no-internal-reset-location-views inline-line-tables no-inline-line-tables lldb sce dbx no-split-dwarf "
    "no-record-gcc-switches no-record-command-line no-modules";

constexpr Special kSpecialG[] = {
    {"split-dwarf", reason(Reason::ExtraOutput)},
    {"split-dwarf=", reason(Reason::ExtraOutput)},
    // Clang records the whole command line, -o included (GCC's default records only code
    // generation flags).
    {"record-gcc-switches", reason(Reason::PathInObject)},
    {"record-command-line", reason(Reason::PathInObject)},
};

// Options for the assembler (-Wa,… and -Xassembler), GNU as and Clang's integrated one.
constexpr std::string_view kAssembler =
    "--noexecstack --execstack --32 --64 --x32 -g --gen-debug --gdwarf-2 --gdwarf-3 --gdwarf-4 --gdwarf-5 "
    "--gdwarf2 -gdwarf-2 -gdwarf-3 -gdwarf-4 -gdwarf-5 --compress-debug-sections --compress-debug-sections= "
    "--nocompress-debug-sections --fatal-warnings --no-warn -W --warn -mbig-obj -mthumb -marm -EL -EB "
    "-mrelax-relocations= -march= -mcpu= -mfpu= -mfloat-abi= -mimplicit-it= -mabi= -defsym --defsym";

constexpr Special kSpecialAssembler[] = {
    // Listings and the assembler's own dependency file.
    {"-a*", reason(Reason::ExtraOutput)},
    {"--MD", reason(Reason::ExtraOutput)},
};

}  // namespace

FlagClass classify_f(std::string_view flag) {
  std::string_view name = flag.substr(2);
  const bool negated = name.starts_with("no-");
  if (negated) name.remove_prefix(3);
  const FlagClass* special = find_special(kSpecialF, name);
  if (special) {
    // Turning off a flag that writes a file, reads a profile or records a path is harmless.
    return negated ? FlagClass{Kind::Key} : *special;
  }
  for (const auto list : {kCodeGeneration, kFloatingPoint, kOptimisation, kDebugInformation, kDialect, kDiagnostics}) {
    if (any_matches(list, name)) return {Kind::Key};
  }
  return {};
}

FlagClass classify_g(std::string_view flag) {
  const std::string_view name = flag.substr(2);
  if (const FlagClass* special = find_special(kSpecialG, name)) return *special;
  return name.empty() || any_matches(kDebug, name) ? FlagClass{Kind::Key} : FlagClass{};
}

FlagClass classify_m(std::string_view flag) {
  // The object is tuned to the machine that compiles it: another runner's CPU gives another one.
  if (flag == "-march=native" || flag == "-mcpu=native" || flag == "-mtune=native") {
    return {Kind::Reason, Reason::NativeCpu};
  }
  // Machine flags select instructions and ABI; none reads or writes a file. -mllvm passes an
  // arbitrary option to LLVM and is in the option table as unknown.
  return {Kind::Key};
}

FlagClass classify_O(std::string_view flag) {
  const std::string_view level = flag.substr(2);
  return level.empty() || any_matches("0 1 2 3 s z g fast", level) ? FlagClass{Kind::Key} : FlagClass{};
}

FlagClass classify_W(std::string_view flag) {
  // Warnings change only the diagnostics (and, as errors, whether the compile succeeds).
  if (flag.starts_with("-Wa,") || flag.starts_with("-Wl,") || flag.starts_with("-Wp,")) return {};
  return {Kind::Key};
}

FlagClass classify_assembler_option(std::string_view option, bool& takes_next) {
  takes_next = option == "-defsym" || option == "--defsym";
  if (const FlagClass* special = find_special(kSpecialAssembler, option)) return *special;
  return any_matches(kAssembler, option) ? FlagClass{Kind::Key} : FlagClass{};
}

}  // namespace larder::cc
