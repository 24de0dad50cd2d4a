#include "rustc/reasons.hpp"

namespace larder::rustc {

ReasonText explain_reason(std::string_view reason) {
  if (reason == "incremental") {
    return {"incremental compilation is on (-C incremental): its state lives in target/ and cannot be shared",
            "set CARGO_INCREMENTAL=0 in CI"};
  }
  if (reason.starts_with("crate-type:")) {
    return {"crates of type '" + std::string(reason.substr(11)) + "' are not cached: they are linked and LARDER_CACHE_LINKED=0, or the type is unknown",
            "unset LARDER_CACHE_LINKED to cache linked crates"};
  }
  if (reason == "test-harness") return {"test binaries (--test) are linked and LARDER_CACHE_LINKED=0", "unset LARDER_CACHE_LINKED"};
  if (reason == "no-crate-type") return {"no --crate-type was given: the source decides whether it is linked", "pass --crate-type (cargo always does)"};
  if (reason == "linked-target") return {"linking for this target (not Linux) is not described with certainty", ""};
  if (reason == "linker-flavor") return {"-C linker-flavor selects a linker whose inputs larder cannot list", ""};
  if (reason == "link-arg-file") return {"a link argument names an @file of more arguments, unseen by larder", "pass the arguments directly"};
  if (reason == "multiple-inputs") return {"rustc was given more than one input file", ""};
  if (reason == "stdin-input") return {"the source came from standard input", ""};
  if (reason == "output-file") return {"-o redirects the output to a chosen file", "use --out-dir"};
  if (reason == "no-crate-name") return {"no --crate-name was given, so output names are not certain", ""};
  if (reason == "split-debuginfo") return {"split debug info writes files beside the outputs that are not tracked", "set -C split-debuginfo=off"};
  if (reason == "save-temps") return {"-C save-temps keeps intermediate files that are not tracked", ""};
  if (reason == "profile-use") return {"profile-guided optimisation reads a profile file", ""};
  if (reason == "unknown-option") return {"an option larder does not know was given (see LARDER_LOG=debug)", "report it to the larder maintainers"};
  if (reason == "argfile") return {"an @argfile could not be read", ""};
  if (reason == "emit-to-stdout") return {"an output was written to standard output", ""};
  if (reason == "output-collision") return {"two outputs were given the same path", ""};
  if (reason.starts_with("emit:")) return {"the emit kind '" + std::string(reason.substr(5)) + "' is not supported", ""};
  if (reason.starts_with("target-naming:")) return {"output names of this crate type on this target are not known", ""};
  return {"see docs/reasons.md", ""};
}

}  // namespace larder::rustc
