#pragma once
// Where the members of a Unix ar archive (an rlib is one) lie, read from the headers alone.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace larder {

struct ArMember {
  uint64_t offset = 0;  // of the member's bytes in the archive
  uint64_t size = 0;
};

// The members of the archive at `path`, whose size is `file_size`, in order. Empty when it is
// no ar archive or cannot be read; stops at the first header it does not understand, so a
// caller must check what it finds at an offset before relying on it.
std::vector<ArMember> ar_members(const std::filesystem::path& path, uint64_t file_size);

}  // namespace larder
