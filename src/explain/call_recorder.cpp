#include "explain/call_recorder.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "explain/key_records.hpp"
#include "explain/miss_reasons.hpp"
#include "util/files.hpp"

namespace larder::explain {

namespace fs = std::filesystem;

namespace {
int64_t now_ms() { return now_ns() / 1000000; }
}  // namespace

fs::path explain_dir(const fs::path& larder_dir) { return larder_dir / "explain"; }

CallRecorder::CallRecorder(const fs::path& larder_dir, std::string language)
    : dir_(explain_dir(larder_dir)), language_(std::move(language)) {
  try {
    build_id_ = current_build_id();
  } catch (...) {
    build_id_ = "unknown";
  }
}

void CallRecorder::event(BuildEvent e) const noexcept {
  try {
    e.time_ms = now_ms();
    e.language = language_;
    if (!BuildLog(dir_ / "builds").append(build_id_, e)) spdlog::debug("{}: build log not written", e.crate);
  } catch (const std::exception& error) {
    spdlog::debug("{}: build log not written: {}", e.crate, error.what());
  } catch (...) {}
}

void CallRecorder::hit(const std::string& crate, double seconds, double write_seconds) const noexcept {
  event({.crate = crate, .outcome = BuildOutcome::Hit, .seconds = seconds, .write_seconds = write_seconds});
}
void CallRecorder::not_cached(const std::string& crate, const std::string& reason) const noexcept {
  event({.crate = crate, .outcome = BuildOutcome::NotCached, .reason = reason});
}
void CallRecorder::compiling(const std::string& crate) const noexcept {
  event({.crate = crate, .outcome = BuildOutcome::Start});
}
void CallRecorder::failed(const std::string& crate, double seconds) const noexcept {
  event({.crate = crate, .outcome = BuildOutcome::Failed, .seconds = seconds});
}

void CallRecorder::missed(const MissFacts& facts) const noexcept {
  try {
    BuildEvent e;
    e.time_ms = now_ms();
    e.crate = facts.crate;
    e.outcome = BuildOutcome::Miss;
    e.language = facts.language;
    e.seconds = facts.compile_seconds;
    e.advice = facts.advice;
    const BuildLog log(dir_ / "builds");
    const KeyRecordStore records(dir_ / "records");

    KeyRecord now;
    now.time_ms = e.time_ms;
    now.metadata = facts.metadata;
    now.stored = facts.stored;
    now.components = recordable_components(facts.components);
    if (facts.result) {
      for (const auto& s : facts.result->sources) now.sources.emplace_back(s.path, s.hash.substr(0, 16));
      for (const auto& d : facts.result->env_deps) {
        now.env_deps.emplace_back(d.name, d.value_hash.empty() ? "" : d.value_hash.substr(0, 16));
      }
    }
    const bool comparable = !facts.components.empty() && !facts.identity.empty();
    const std::vector<KeyRecord> earlier = comparable ? records.load(facts.identity) : std::vector<KeyRecord>{};
    e.why = facts.known_why;
    if (e.why.empty() && comparable) {
      if (const KeyRecord* before = closest_record(earlier, now)) {
        // Read this build's log once, however many externs changed.
        std::optional<std::set<std::string, std::less<>>> rebuilt;
        auto was_rebuilt = [&](std::string_view crate) {
          if (!rebuilt) rebuilt = log.rebuilt_crates(build_id_);
          return rebuilt->contains(crate);
        };
        e.why = explain_changes(*before, now, was_rebuilt);
        if (e.why.empty()) {
          if (before->stored) {
            e.why.push_back("same inputs as an earlier build, but its cache entry is gone");
            e.advice.push_back(
                "raise LARDER_CACHE_SIZE if the local cache is trimmed often, or check that the "
                "shared storage keeps entries (larder doctor)");
          } else {
            e.why.push_back("same inputs as an earlier build that could not be stored");
            e.advice.push_back("LARDER_LOG=info says why it was not stored");
          }
        }
      } else {
        e.why.emplace_back(kNeverBuilt);
      }
    }
    e.why = capped(std::move(e.why));
    if (!log.append(build_id_, e)) spdlog::debug("{}: build log not written", facts.crate);
    if (comparable && !records.add(facts.identity, facts.crate, std::move(now))) {
      spdlog::debug("{}: key record not written", facts.crate);
    }
  } catch (const std::exception& error) {
    spdlog::debug("{}: miss not recorded: {}", facts.crate, error.what());
  } catch (...) {}
}

}  // namespace larder::explain
