// rustc's command line as cargo (or a user) writes it (rustc/arguments.hpp). The input is the
// arguments separated by NUL bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "rustc/arguments.hpp"
#include "util/strings.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> args = split(fuzz::as_text(data, size), '\0');
  const rustc::ParsedArguments parsed = rustc::parse_arguments(args);
  (void)parsed.codegen_value("extra-filename");
  // larder runs rustc with the rendered arguments: they must mean what the parsed ones meant.
  const std::vector<std::string> rendered = rustc::render_arguments(parsed.arguments);
  if (!parsed.unknown_option) {
    const rustc::ParsedArguments again = rustc::parse_arguments(rendered);
    FUZZ_CHECK(again.inputs == parsed.inputs);
    FUZZ_CHECK(again.crate_name == parsed.crate_name);
    FUZZ_CHECK(again.crate_types == parsed.crate_types);
    FUZZ_CHECK(again.out_dir == parsed.out_dir && again.output_file == parsed.output_file);
    FUZZ_CHECK(again.codegen == parsed.codegen);
    FUZZ_CHECK(again.emits.size() == parsed.emits.size());
    for (size_t i = 0; i < parsed.emits.size() && i < again.emits.size(); ++i) {
      FUZZ_CHECK(again.emits[i].kind == parsed.emits[i].kind && again.emits[i].path == parsed.emits[i].path);
    }
  }
  return 0;
}
