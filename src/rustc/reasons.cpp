#include "rustc/reasons.hpp"

namespace larder::rustc {

ReasonText explain_reason(std::string_view reason) {
  if (reason == "incremental") {
    return {"incremental compilation is on (-C incremental): its state lives in target/ and cannot be shared",
            "set CARGO_INCREMENTAL=0 in CI"};
  }
  if (reason.starts_with("crate-type:")) {
    return {"crates of type '" + std::string(reason.substr(11)) + "' need a link step, which is not cached", ""};
  }
  if (reason == "test-harness") return {"test binaries (--test) are linked executables, which are not cached", ""};
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
