#pragma once
// The wrapper's side of `larder explain`: notes each call's outcome in the build log and, on a
// miss, compares the call's key with the crate's earlier records to say what changed. Nothing
// here may change the wrapper's exit status or output: every failure is logged at debug level
// and swallowed.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cache/build_log.hpp"
#include "cache/manifest.hpp"
#include "rustc/reasons.hpp"
#include "util/key_builder.hpp"

namespace larder::cache {

// What the wrapper knows about one miss after compiling it.
struct MissFacts {
  std::string crate;
  std::string identity;                  // crate name, crate types, target, test harness
  std::string metadata;                  // cargo's -C metadata
  std::vector<KeyComponent> components;  // the call key's (empty when the cache was unavailable)
  std::optional<ManifestResult> result;  // the sources and env-deps the compile read
  bool stored = false;
  double compile_seconds = 0;
  // Reasons already known from the lookup (the call key was found; its sources differ; the
  // entry was gone…). When empty, the reasons come from comparing records.
  std::vector<std::string> known_why;
  std::vector<std::string> advice;
};

class MissLog {
 public:
  // `larder_dir` is LARDER_DIR; the build is this process's (current_build_id()).
  explicit MissLog(const std::filesystem::path& larder_dir);

  // `seconds`: larder's time for the hit, `write_seconds` the part of it writing outputs.
  void hit(const std::string& crate, double seconds, double write_seconds) const noexcept;
  void not_cached(const std::string& crate, const rustc::NotCachedReason& reason) const noexcept;
  void compiling(const std::string& crate) const noexcept;
  void failed(const std::string& crate, double seconds) const noexcept;
  void missed(const MissFacts& facts) const noexcept;

 private:
  void event(BuildEvent e) const noexcept;

  std::filesystem::path dir_;
  std::string build_id_;
};

// Where the records and build logs live, under LARDER_DIR.
std::filesystem::path explain_dir(const std::filesystem::path& larder_dir);

}  // namespace larder::cache
