#pragma once
// The tiers a call reads and writes: the local disk first, then each remote in order. Writes
// go to every tier (remotes only when not read-only). A read returns the blob and the tier it
// came from; the caller checks it, then either promotes it (copies it into the earlier tiers)
// or rejects it (a read error, removed from that tier): an object no check has passed never
// spreads. The chain counts what each tier did; the caller folds the counts into its stats.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/storage.hpp"

namespace larder::storage {

// An object as read, not yet checked.
struct Fetched {
  std::string blob;
  size_t tier = 0;  // the index of the tier that returned it
};

// Objects, per tier: found, not found, written, faults.
struct TierCounts {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t writes = 0;
  uint64_t errors = 0;

  TierCounts& operator+=(const TierCounts& other) {
    hits += other.hits;
    misses += other.misses;
    writes += other.writes;
    errors += other.errors;
    return *this;
  }
};

struct ChainCounts {
  std::vector<TierCounts> tiers;  // in the chain's order
  uint64_t read_errors = 0;       // faults and rejected objects
  uint64_t write_errors = 0;
};

class StorageChain {
 public:
  StorageChain(std::vector<StoragePtr> tiers, bool read_only_remotes);

  // The blob from the first tier that has it; nullopt on a miss in every tier. A tier's
  // fault is counted and logged, and the next tier is asked.
  std::optional<Fetched> get(const std::string& name);
  // The caller's checks passed: copies the object into the writable tiers before its own.
  void promote(const std::string& name, const Fetched& object) { promote(name, object.tier, object.blob, object.blob); }
  // The same for an object read from tier `from_tier`, where the local tier keeps another form
  // of it than the remotes (a manifest without the entry it carries there), or where the
  // object is a part of what was read (the entry a manifest object carried).
  void promote(const std::string& name, size_t from_tier, std::string_view local_blob, std::string_view remote_blob);
  // The caller's checks failed: logs `why` once, counts a read error (in the stats and in
  // that tier's counters) and removes the object from the tier it came from when that tier
  // may be written.
  void reject(const std::string& name, const Fetched& object, std::string_view why);
  // Whether the object ends up in at least one tier.
  bool put(const std::string& name, std::string_view blob) { return put(name, blob, blob); }
  // The same, with the local tier's form of the object and the remotes' form.
  bool put(const std::string& name, std::string_view local_blob, std::string_view remote_blob);

  const std::vector<StoragePtr>& tiers() const { return tiers_; }
  const ChainCounts& counts() const { return counts_; }

 private:
  bool writable(size_t tier) const { return tier == 0 || !read_only_remotes_; }

  std::vector<StoragePtr> tiers_;
  bool read_only_remotes_;
  ChainCounts counts_;
};

}  // namespace larder::storage
