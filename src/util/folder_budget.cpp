#include "util/folder_budget.hpp"

#include <algorithm>
#include <vector>

namespace larder {

namespace fs = std::filesystem;

void prune_oldest(const fs::path& dir, std::string_view suffix, uint64_t budget, size_t max_files) {
  struct Item {
    fs::file_time_type mtime;
    uint64_t size;
    fs::path path;
  };
  std::vector<Item> items;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.path().filename().string().ends_with(suffix)) continue;
    std::error_code item_ec;
    const uint64_t size = entry.file_size(item_ec);
    const auto mtime = entry.last_write_time(item_ec);
    if (item_ec) continue;
    total += size;
    items.push_back({mtime, size, entry.path()});
  }
  if (total <= budget && items.size() <= max_files) return;
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.mtime < b.mtime; });
  size_t count = items.size();
  for (const auto& item : items) {
    if (total <= budget && count <= max_files) break;
    std::error_code remove_ec;
    fs::remove(item.path, remove_ec);
    total -= item.size;
    --count;
  }
}

}  // namespace larder
