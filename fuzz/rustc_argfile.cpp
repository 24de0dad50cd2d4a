// An @argfile (one rustc argument per line) read by expand_argfiles, then parsed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "rustc/arguments.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::ScratchFile argfile("argfile");
  const std::string path = argfile.write(fuzz::as_text(data, size)).string();
  const auto expanded = rustc::expand_argfiles({"--crate-name", "fuzz", "@" + path, "src/lib.rs"});
  FUZZ_CHECK(expanded.has_value());
  FUZZ_CHECK(expanded->size() >= 3 && expanded->front() == "--crate-name" && expanded->back() == "src/lib.rs");
  for (const auto& arg : *expanded) FUZZ_CHECK(arg.find('\n') == std::string::npos);
  (void)rustc::parse_arguments(*expanded);
  return 0;
}
