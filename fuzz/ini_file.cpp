// The AWS shared credentials and config files (aws/ini_file.hpp): written by users and tools.
#include <cstddef>
#include <cstdint>

#include "aws/ini_file.hpp"
#include "fuzz_support.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const aws::IniSections sections = aws::parse_ini(fuzz::as_text(data, size));
  for (const auto& [name, values] : sections) {
    FUZZ_CHECK(!name.empty() || values.empty());  // "[ ]" names no section to hold keys
    for (const auto& [key, value] : values) FUZZ_CHECK(key.find('\n') == std::string::npos);
  }
  return 0;
}
