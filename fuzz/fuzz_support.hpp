#pragma once
// What the fuzz targets share: a check that reports a broken property as a crash libFuzzer
// saves, and a private temporary file for parsers that read from a path.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

// Aborts (a finding) when a property of a parse result does not hold.
#define FUZZ_CHECK(condition)                                                                      \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

namespace larder::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A file in the temporary folder, one per fuzzing process, rewritten for every input.
class ScratchFile {
 public:
  explicit ScratchFile(std::string_view name)
      : path_(std::filesystem::temp_directory_path() /
              ("larder-fuzz-" + std::to_string(::getpid()) + "-" + std::string(name))) {}
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::filesystem::path& write(std::string_view contents) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc)
        .write(contents.data(), static_cast<std::streamsize>(contents.size()));
    return path_;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace larder::fuzz
