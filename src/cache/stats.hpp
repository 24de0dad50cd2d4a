#pragma once
// Statistics kept in LARDER_DIR by every wrapper process, with no daemon: counters are sharded
// over 16 files, each updated under a short lock (temp file + rename), and summed on read.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "storage/storage_chain.hpp"

namespace larder::cache {

struct StorageCounters {
  std::string kind;
  std::string location;
  // Objects: a call reads a manifest and an entry, from one tier or from two.
  storage::TierCounts objects;
  // Calls: the hits whose entry this tier served. Summed over the tiers, the summary's hits.
  uint64_t call_hits = 0;
};

// The summary's counts for the calls of one language ("rust", "c", "c++", "assembler").
struct LanguageCounters {
  uint64_t compile_requests = 0;
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  uint64_t not_cached = 0;  // calls, whatever the reason
  uint64_t not_compilation = 0;
  uint64_t compile_failures = 0;
  double compile_seconds = 0;
  double saved_seconds = 0;

  void add(const LanguageCounters& other);
};

struct StatsCounters {
  uint64_t compile_requests = 0;
  uint64_t cache_hits = 0;
  uint64_t direct_hits = 0;  // the manifest lookup resolved an entry: no rustc run (every hit, today)
  uint64_t cache_misses = 0;
  uint64_t not_compilation = 0;
  uint64_t compile_failures = 0;
  uint64_t read_errors = 0;
  uint64_t write_errors = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  double compile_seconds = 0;
  double saved_seconds = 0;
  double wrapper_seconds = 0;  // larder's own time on hits (lookup, restore)
  double restore_seconds = 0;  // the part of wrapper_seconds spent writing the outputs
  std::map<std::string, uint64_t> not_cached;
  std::map<std::string, StorageCounters> storage;  // by "kind|location"
  std::map<std::string, LanguageCounters> languages;

  void add(const StatsCounters& other);
  // Adds this delta's summary counts to `language`'s: called once on one call's counters.
  void count_by_language(const std::string& language);
  StorageCounters& storage_for(const std::string& kind, const std::string& location);
  double hit_rate() const;
};

nlohmann::json to_json(const StatsCounters& stats);
StatsCounters stats_from_json(const nlohmann::json& json);

class StatsStore {
 public:
  explicit StatsStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Adds `delta` to one shard. Returns false when the stats could not be written.
  bool record(const StatsCounters& delta) const;
  StatsCounters total() const;
  void reset() const;

 private:
  std::filesystem::path dir_;
};

}  // namespace larder::cache
