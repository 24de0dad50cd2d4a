#pragma once
// The wrapper's side of `larder explain`: notes each call's outcome in the build log and, on a
// miss, compares the call's key with the crate's earlier records to say what changed. Nothing
// here may change the wrapper's exit status or output: every failure is logged at debug level
// and swallowed.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cache/manifest.hpp"
#include "explain/build_log.hpp"
#include "util/key_builder.hpp"

namespace larder::explain {

// What the flow learns about a miss while it runs, for `larder explain`: the key's parts, why
// the lookup missed when it can tell, and what the compile read.
struct MissNotes {
  KeyBuilder key_parts;  // kept whole: only a miss needs its components
  std::vector<std::string> why;
  std::vector<std::string> advice;
  std::optional<cache::ManifestResult> compiled;
  bool stored = false;
};

// What the wrapper knows about one miss after compiling it.
struct MissFacts {
  std::string crate;
  std::string language;                         // compiler::language_name()
  std::string identity;                         // compiler::Call::identity()
  std::string metadata;                         // cargo's -C metadata
  std::vector<KeyComponent> components;         // the call key's (empty when the cache was unavailable)
  std::optional<cache::ManifestResult> result;  // the sources and env-deps the compile read
  bool stored = false;
  double compile_seconds = 0;
  // Reasons already known from the lookup (the call key was found; its sources differ; the
  // entry was gone…). When empty, the reasons come from comparing records.
  std::vector<std::string> known_why;
  std::vector<std::string> advice;
};

class CallRecorder {
 public:
  // `larder_dir` is LARDER_DIR; the build is this process's (current_build_id()); `language`
  // as compiler::language_name() gives it.
  CallRecorder(const std::filesystem::path& larder_dir, std::string language);

  // `seconds`: larder's time for the hit, `write_seconds` the part of it writing outputs.
  void hit(const std::string& crate, double seconds, double write_seconds) const noexcept;
  // `reason` is a not-cached reason's word ("crate-type:bin").
  void not_cached(const std::string& crate, const std::string& reason) const noexcept;
  void compiling(const std::string& crate) const noexcept;
  void failed(const std::string& crate, double seconds) const noexcept;
  void missed(const MissFacts& facts) const noexcept;

 private:
  void event(BuildEvent e) const noexcept;

  std::filesystem::path dir_;
  std::string build_id_;
  std::string language_;
};

// Where the records and build logs live, under LARDER_DIR.
std::filesystem::path explain_dir(const std::filesystem::path& larder_dir);

}  // namespace larder::explain
