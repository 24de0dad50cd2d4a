#pragma once
// A fresh folder for each test, removed after it, and files of known bytes in it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace larder::test_support {

struct TempFolderTest : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("larder-unit-test-" + std::to_string(::getpid()));
  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << bytes;
    return dir / name;
  }
};

// Bytes that do not repeat (and barely compress), different for each seed.
inline std::string pattern(size_t size, unsigned seed = 0) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(((i + seed) * 2654435761u) >> 13);
  return bytes;
}

}  // namespace larder::test_support
