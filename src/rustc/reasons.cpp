#include "rustc/reasons.hpp"

#include <array>

#include "util/strings.hpp"

namespace larder::rustc {

namespace {

constexpr auto kReasons = std::to_array<ReasonRow>({
    {Reason::Incremental, "incremental", "",
     "incremental compilation is on (`-C incremental`): its state lives in `target/` and cannot be shared",
     "set `CARGO_INCREMENTAL=0` in CI (the GitHub Action, GitLab component and buildspecs do)"},
    {Reason::CrateType, "crate-type", "type",
     "a linked crate (`bin`, `proc-macro`, `dylib`, `cdylib`) while `LARDER_CACHE_LINKED=0`, or a crate type larder "
     "does not know",
     "for a linked crate, unset `LARDER_CACHE_LINKED` "
     "([configuration.md](configuration.md#linked-crates-larder_cache_linked))"},
    {Reason::TestHarness, "test-harness", "", "`--test` (a test binary, which is linked) while `LARDER_CACHE_LINKED=0`",
     "unset `LARDER_CACHE_LINKED`"},
    {Reason::NoCrateType, "no-crate-type", "",
     "no `--crate-type`: the source alone decides whether the crate is linked",
     "pass `--crate-type` (cargo always does)"},
    {Reason::LinkedTarget, "linked-target", "",
     "a linked crate for a target other than Linux: larder cannot list its link inputs with certainty yet", ""},
    {Reason::LinkerFlavor, "linker-flavor", "", "`-C linker-flavor` selects a linker whose inputs larder cannot list",
     "drop the flag where the default works"},
    {Reason::LinkArgFile, "link-arg-file", "",
     "a link argument names an `@file` of further arguments, which larder does not see", "pass the arguments directly"},
    {Reason::MultipleInputs, "multiple-inputs", "", "rustc was given more than one source file (cargo never does this)",
     ""},
    {Reason::StdinInput, "stdin-input", "", "the source came from standard input", ""},
    {Reason::OutputFile, "output-file", "", "`-o` names the output file", "use `--out-dir` (cargo does)"},
    {Reason::EmitToStdout, "emit-to-stdout", "", "an `--emit` kind was written to standard output",
     "write it to a file"},
    {Reason::Emit, "emit", "kind", "an `--emit` kind larder does not know", ""},
    {Reason::OutputCollision, "output-collision", "", "two requested outputs have the same path", ""},
    {Reason::TargetNaming, "target-naming", "type",
     "larder does not know yet how rustc names this crate type's file on this target (e.g. Windows `.dll`/`.exe`)", ""},
    {Reason::NoCrateName, "no-crate-name", "", "no `--crate-name`, so output names are not certain",
     "pass `--crate-name` (cargo does)"},
    {Reason::SplitDebuginfo, "split-debuginfo", "",
     "`-C split-debuginfo` other than `off` writes files beside the outputs that larder does not track",
     "set `-C split-debuginfo=off` (Linux's default)"},
    {Reason::SaveTemps, "save-temps", "", "`-C save-temps` keeps intermediate files that larder does not track", ""},
    {Reason::ProfileUse, "profile-use", "",
     "profile-guided optimisation (`-C profile-use`) reads a profile file that larder does not track", ""},
    {Reason::UnknownOption, "unknown-option", "", "an option larder does not know; `LARDER_LOG=debug` names it",
     "report it: larder must learn every option that can change the output"},
    {Reason::Argfile, "argfile", "", "an `@argfile` could not be read",
     "check the file: larder's warning and rustc's error name it"},
    {Reason::WorkspaceWrapper, "workspace-wrapper", "program",
     "a `RUSTC_WORKSPACE_WRAPPER` other than clippy-driver that does not answer `--version`, so larder cannot "
     "tell what it does to the output",
     "make the wrapper answer `--version` (its answer and its binary then join the key)"},
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

ReasonText explain_reason(std::string_view word) {
  const ReasonRow* row = row_of_word(word);
  if (!row) return {"see docs/reasons.md", ""};
  return {markdown_as_plain_text(row->meaning), markdown_as_plain_text(row->advice)};
}

}  // namespace larder::rustc
