#include "cc/reasons.hpp"

#include <array>

namespace larder::cc {

namespace {

constexpr auto kReasons = std::to_array<ReasonRow>({
    {Reason::Link, "link", "", "no `-c`: the call links (or compiles and links in one step)",
     "compile with `-c` and link in a second call: only the compile can be cached"},
    {Reason::PreprocessOnly, "preprocess-only", "",
     "`-E`, `-M` or `-MM`: the call only preprocesses (or only lists dependencies), as build scripts do to probe "
     "the compiler",
     ""},
    {Reason::AssemblyOutput, "assembly-output", "", "`-S`: the call writes assembly, not an object", ""},
    {Reason::NotAnObject, "not-an-object", "",
     "the call writes no object file: `-fsyntax-only`, or `-o` names a device such as `/dev/null`", ""},
    {Reason::OutputToStdout, "output-to-stdout", "", "`-o -` or `-MF -`: an output goes to standard output",
     "write it to a file"},
    {Reason::NoSource, "no-source", "", "no source file on the command line", ""},
    {Reason::StdinSource, "stdin-source", "", "the source came from standard input (`-`)", ""},
    {Reason::MultipleSources, "multiple-sources", "",
     "more than one input file in one call (the `cc` crate compiles one source per call)",
     "compile one source per call"},
    {Reason::UnsupportedLanguage, "unsupported-language", "language",
     "a language other than C, C++ and assembler, named by `-x` or by the source's extension (Objective-C, "
     "preprocessed `.i`, CUDA…), or an extension no compiler reads as source",
     ""},
    {Reason::PrecompiledHeader, "precompiled-header", "",
     "the call writes or reads a precompiled header (a header as the source, a `.gch`/`.pch` output, "
     "`-include-pch`, `-fpch-preprocess`)",
     ""},
    {Reason::ResponseFile, "response-file", "", "an `@file` argument: the arguments in the file are not classified",
     "pass the arguments directly"},
    {Reason::UnknownFlag, "unknown-flag", "flag",
     "a flag larder does not know (or one missing its value), so it cannot tell whether the flag changes the "
     "object or writes other files",
     "report it: larder must learn every flag that can change the object"},
    {Reason::ExtraOutput, "extra-output", "flag",
     "the flag writes files besides the object that larder does not track (`--coverage`, `-gsplit-dwarf`, "
     "`-save-temps`, `-fdump-…`, `-fstack-usage`, `-Wa,-a…`)",
     "drop the flag in CI builds where its files are not needed"},
    {Reason::ProfileData, "profile-data", "flag",
     "profile-guided optimisation (`-fprofile-use` and its kin) reads a profile file that larder does not track", ""},
    {Reason::PathInObject, "path-in-object", "flag",
     "the flag writes the object's own path or the whole command line into the object (`-frecord-gcc-switches`, "
     "`-grecord-command-line`, `-fprofile-arcs`, `-fprofile-generate`), so an object restored for another path "
     "would differ from a compile",
     ""},
    {Reason::NativeCpu, "native-cpu", "",
     "`-march=native`, `-mcpu=native` or `-mtune=native`: the object depends on the build machine's processor, "
     "which larder does not identify",
     "name the processor (`-march=x86-64-v3`)"},
    {Reason::MultipleArchitectures, "multiple-architectures", "",
     "more than one `-arch`: clang writes a universal object of several compiles", "build one architecture per call"},
    {Reason::UserHeadersDepfile, "user-headers-depfile", "",
     "`-MMD` leaves the system headers out of the depfile, which is where larder learns the headers a compile read",
     "use `-MD` (the cc crate and CMake do)"},
});

static_assert(compiler::rows_follow_the_enum(std::span<const ReasonRow>(kReasons)),
              "kReasons must list each Reason once, in the enum's order");

}  // namespace

std::span<const ReasonRow> reason_table() { return kReasons; }

const ReasonRow& row_of(Reason reason) { return kReasons.at(static_cast<size_t>(reason)); }

std::string NotCachedReason::word() const { return compiler::word_of(row_of(reason), detail); }

const ReasonRow* row_of_word(std::string_view word) {
  return compiler::find_row_of_word(std::span<const ReasonRow>(kReasons), word);
}

}  // namespace larder::cc
