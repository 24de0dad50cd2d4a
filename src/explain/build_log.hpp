#pragma once
// What each wrapper call of a build did (hit, miss and why, not cached and why), so that
// `larder explain` and `larder stats --format markdown` can tell where a build's time went.
//
// A build is one cargo invocation: wrapper calls are grouped by the cargo process that ran them
// (the nearest ancestor named cargo, else the parent) and its start time, so a reused process
// id never joins two builds. The latest build is the one whose log was written last. Each build
// has one JSON-lines file under LARDER_DIR/explain/builds, appended under flock; the logs are
// bounded (kMaxBuildLogs files, kBuildLogCapBytes each, kBuildLogBudgetBytes in all) and
// cleared by `larder stats --reset`.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace larder::explain {

inline constexpr size_t kMaxBuildLogs = 8;
inline constexpr uint64_t kBuildLogCapBytes = 256 * 1024;
inline constexpr uint64_t kBuildLogBudgetBytes = 512 * 1024;

// What one wrapper call did. The words are the log's ("start", "miss", "hit", "failed",
// "not-cached"); a line with another word is skipped as damaged.
enum class BuildOutcome : uint8_t {
  Start,  // a miss began compiling
  Miss,
  Hit,
  Failed,
  NotCached,
};
std::string_view outcome_word(BuildOutcome outcome);
std::optional<BuildOutcome> outcome_of_word(std::string_view word);

struct BuildEvent {
  int64_t time_ms = 0;
  std::string crate{};  // the crate's name, or a C call's source
  BuildOutcome outcome = BuildOutcome::Start;
  double seconds = 0;                 // compile time of a miss or failure; larder's own time for a hit
  std::string reason{};               // a not-cached reason word ("incremental", …)
  std::vector<std::string> why{};     // a miss: what changed, in plain words
  std::vector<std::string> advice{};  // a miss: what can be done about it
  double write_seconds = 0;           // a hit: the part of `seconds` spent writing the outputs
  std::string language{};             // "rust", "c"… ("" in logs from before C calls were cached)
};

struct BuildRecord {
  std::string id;
  int64_t modified_ms = 0;
  std::vector<BuildEvent> events;  // in the order they were written; damaged lines skipped
};

// The id of the build this wrapper call belongs to.
std::string current_build_id();

class BuildLog {
 public:
  explicit BuildLog(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Appends one event. Returns false when it could not be written (or the log is full).
  bool append(const std::string& build_id, const BuildEvent& event) const;
  std::optional<BuildRecord> read(const std::string& build_id) const;
  // Every kept build, the most recently written first.
  std::vector<BuildRecord> read_all() const;
  // The crates that began or finished a miss in this build: an extern of a later miss that
  // changed was rebuilt here.
  std::set<std::string, std::less<>> rebuilt_crates(const std::string& build_id) const;
  void clear() const;

 private:
  std::filesystem::path file_for(const std::string& build_id) const;

  std::filesystem::path dir_;
};

}  // namespace larder::explain
