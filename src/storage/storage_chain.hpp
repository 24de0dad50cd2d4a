#pragma once
// The tiers a call reads and writes: the local disk first, then each remote in order. A hit in
// a later tier fills the earlier ones; writes go to every tier (remotes only when not
// read-only). Per-storage counters are recorded into the call's stats.
#include <optional>
#include <string>
#include <vector>

#include "cache/stats.hpp"
#include "storage/storage.hpp"

namespace larder::storage {

class StorageChain {
 public:
  StorageChain(std::vector<StoragePtr> tiers, bool read_only_remotes, cache::StatsCounters& stats);

  // The blob from the first tier that has it; nullopt on a miss in every tier. A tier's
  // fault is counted and logged, and the next tier is asked.
  std::optional<std::string> get(const std::string& name);
  // Whether the object ends up in at least one tier.
  bool put(const std::string& name, std::string_view blob);
  // Removes a corrupt object from every tier that may hold it.
  void remove(const std::string& name);

  const std::vector<StoragePtr>& tiers() const { return tiers_; }
  bool has_errors() const { return errors_ > 0; }

 private:
  bool writable(size_t tier) const { return tier == 0 || !read_only_remotes_; }

  std::vector<StoragePtr> tiers_;
  bool read_only_remotes_;
  cache::StatsCounters& stats_;
  int errors_ = 0;
};

}  // namespace larder::storage
