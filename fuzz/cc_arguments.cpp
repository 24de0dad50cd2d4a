// A C or C++ compiler's command line as build scripts write it (cc/arguments.hpp). The input is
// the arguments separated by NUL bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cc/arguments.hpp"
#include "fuzz_support.hpp"
#include "util/strings.hpp"

using namespace larder;

namespace {

int search_group(cc::IncludeKind kind) {
  switch (kind) {
    case cc::IncludeKind::Quote:
      return 0;
    case cc::IncludeKind::Angled:
    case cc::IncludeKind::Framework:
      return 1;
    case cc::IncludeKind::System:
    case cc::IncludeKind::SystemFramework:
      return 2;
    case cc::IncludeKind::After:
      return 3;
  }
  return 3;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args = split(fuzz::as_text(data, size), '\0');
  const cc::ParsedCall call = cc::classify(args);
  FUZZ_CHECK(!(call.not_compilation && call.reason));
  if (call.reason) (void)call.reason->word();
  if (call.reason || call.not_compilation) return 0;

  // A call that can be cached names one source and one object, and its key starts with the
  // language.
  FUZZ_CHECK(!call.source.empty() && call.source != "-");
  FUZZ_CHECK(!call.output.empty() && call.output != "-");
  FUZZ_CHECK(!call.key_arguments.empty());
  FUZZ_CHECK(call.key_arguments[0].option == "-x" && call.key_arguments[0].value == cc::language_name(call.language));
  if (call.depfile) {
    FUZZ_CHECK(!call.depfile->path.empty() && call.depfile->path != "-");
    FUZZ_CHECK(call.language != cc::Language::Assembler);
  }
  FUZZ_CHECK(std::is_sorted(call.include_dirs.begin(), call.include_dirs.end(),
                            [](const auto& a, const auto& b) { return search_group(a.kind) < search_group(b.kind); }));

  // Another output (the last -o counts) is the same call for the key.
  if (std::find(args.begin(), args.end(), "--") == args.end()) {
    args.insert(args.end(), {"-o", "fuzz-other.o"});
    const cc::ParsedCall moved = cc::classify(args);
    FUZZ_CHECK(!moved.reason && !moved.not_compilation);
    FUZZ_CHECK(moved.output == "fuzz-other.o");
    FUZZ_CHECK(moved.key_arguments == call.key_arguments);
    FUZZ_CHECK(moved.source == call.source);
  }
  return 0;
}
