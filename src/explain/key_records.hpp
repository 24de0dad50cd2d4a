#pragma once
// What a miss's key was made of, kept locally so that a later miss of the same crate can say
// what changed. One small JSON file per crate identity under LARDER_DIR/explain/records, the
// few newest variants in each, and the oldest files pruned to keep the folder under a budget.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "util/key_builder.hpp"

namespace larder::explain {

struct KeyRecord {
  int64_t time_ms = 0;
  std::string metadata;                                       // cargo's -C metadata: tells namesake crates apart
  bool stored = false;                                        // whether that miss left an entry in the cache
  std::vector<KeyComponent> components;                       // call-key components; env values only as hashes
  std::vector<std::pair<std::string, std::string>> sources;   // portable path, short hash
  std::vector<std::pair<std::string, std::string>> env_deps;  // name, short hash ("" = unset)
};

inline constexpr size_t kMaxRecordVariants = 4;
inline constexpr uint64_t kRecordBudgetBytes = 256 * 1024;

// A short hash of `text`, enough to tell two versions apart and nothing more.
std::string short_hash(std::string_view text);

// Makes key components safe and small to keep: environment values become hashes (they may be
// secrets), long hex digests are shortened, very long argument values are hashed.
std::vector<KeyComponent> recordable_components(const std::vector<KeyComponent>& components);

class KeyRecordStore {
 public:
  explicit KeyRecordStore(std::filesystem::path dir, uint64_t budget = kRecordBudgetBytes)
      : dir_(std::move(dir)), budget_(budget) {}

  // The recorded variants of a crate identity, newest first; none when absent or damaged.
  std::vector<KeyRecord> load(const std::string& identity) const;
  // Puts `record` first (dropping an older variant with the same metadata and the oldest
  // beyond kMaxRecordVariants), writes atomically, then prunes the folder to the budget.
  // Returns false when it could not be written.
  bool add(const std::string& identity, const std::string& crate, KeyRecord record) const;

 private:
  std::filesystem::path file_for(const std::string& identity) const;
  void prune() const;

  std::filesystem::path dir_;
  uint64_t budget_;
};

}  // namespace larder::explain
