#pragma once
// Keeping a folder of small records bounded: the oldest go first.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace larder {

// Removes the oldest files (by mtime) in `dir` whose names end with `suffix` until at most
// `max_files` remain and they hold at most `budget` bytes. Errors are ignored: concurrent
// pruners may remove the same file.
void prune_oldest(const std::filesystem::path& dir, std::string_view suffix, uint64_t budget, size_t max_files);

}  // namespace larder
