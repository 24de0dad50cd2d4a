#include "wrapper/compile_flow.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cache/entry.hpp"
#include "cache/file_hasher.hpp"
#include "cache/manifest.hpp"
#include "cache/manifest_bundle.hpp"
#include "cache/object_checks.hpp"
#include "cache/object_codec.hpp"
#include "cache/stats.hpp"
#include "cache/upload_queue.hpp"
#include "explain/call_recorder.hpp"
#include "explain/miss_reasons.hpp"
#include "storage/factory.hpp"
#include "storage/storage_chain.hpp"
#include "util/binary_io.hpp"
#include "util/environment.hpp"
#include "util/file_lock.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/key_builder.hpp"
#include "util/logging.hpp"

namespace larder::wrapper {

// The flow reads and writes the cache's objects and tells `larder explain` what it saw.
using namespace cache;
using namespace explain;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

bool contains(std::string_view haystack, std::string_view needle) {
  return !needle.empty() && ::memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

std::string env_value_hash(const std::optional<std::string>& value, bool portable, const PathMap& map) {
  if (!value) return "";
  return sha256_hex(portable ? map.to_portable(*value) : *value);
}

// Rewrites the absolute base folders an entry was made under to this call's folders.
std::string relocate(std::string text, const Entry& entry, const PathMap& map) {
  for (const auto& [marker, old_path] : entry.base_dirs) {
    const std::string now = map.path_of(marker);
    if (!now.empty() && now != old_path) text = replace_path_prefix(text, old_path, now);
  }
  return text;
}

class CompileFlow {
 public:
  CompileFlow(const Settings& settings, compiler::Call& call, fs::path cwd, StatsCounters& stats)
      : settings_(settings),
        call_(call),
        cwd_(std::move(cwd)),
        stats_(stats),
        hasher_(settings.cache_dir() / "memo" / "file-hashes"),
        recorder_(settings.cache_dir(), std::string(compiler::language_name(call.language()))) {}

  // Serves the call from the cache, or compiles (and stores) it; returns how the call ends:
  // the replayed result of a hit, or the compiler's own.
  ProcessResult run();
  // Adds the storage tiers' counts to the call's stats.
  void add_tier_counts();

 private:
  bool prepare();
  // Why the cache cannot serve this call: logged, counted, told to `larder explain`; false.
  bool cache_unavailable(const std::string& why);
  std::optional<ProcessResult> serve_hit();
  ProcessResult compile_and_store();
  std::optional<Entry> lookup();
  bool result_matches(const ManifestResult& result);
  bool restore(const Entry& entry);
  // The found entry failed a check: removes the object it was read from (a carried entry
  // damages the manifest object that carried it).
  void reject_entry(std::string_view why);
  void write_manifest(ManifestResult result, std::string_view entry_blob);
  std::optional<storage::Fetched> local_object(const std::string& name);
  void store(const ProcessResult& result, double compile_seconds, int64_t started_ns);
  // The manifest's record of what the compile read, or nullopt (logged) when it cannot be made.
  std::optional<ManifestResult> record_inputs(int64_t started_ns);
  void explain_lookup_miss();
  const std::string& label() const { return call_.label(); }
  const PathMap& paths() const { return call_.paths(); }
  // A portable path of a manifest, as a file of this checkout.
  fs::path local_file(const std::string& portable) const { return resolve_path(paths().to_local(portable), cwd_); }
  void record_miss(double compile_seconds);

  const Settings& settings_;
  compiler::Call& call_;
  fs::path cwd_;
  StatsCounters& stats_;
  FileHasher hasher_;
  Clock::time_point started_ = Clock::now();

  bool prepared_ = false;
  // LARDER_DEFER_UPLOADS: stores go to the local tier and the upload queue (cache/upload_queue.hpp).
  bool defer_uploads_ = false;
  std::string call_key_;
  std::optional<storage::StorageChain> chain_;
  std::optional<Manifest> manifest_;  // as read during lookup
  // The entry the lookup found, kept as read until it is restored: only then is it promoted
  // into the earlier tiers, or rejected from its own. A carried entry is a view into the
  // manifest object that carried it (up to 4 MiB, not copied).
  std::string entry_name_;
  std::optional<storage::Fetched> manifest_object_;
  std::optional<storage::Fetched> entry_object_;    // when not carried
  const storage::Fetched* entry_source_ = nullptr;  // the entry's object, or the manifest's that carried it
  std::string_view entry_blob_;                     // the entry's bytes inside *entry_source_

  CallRecorder recorder_;
  MissNotes notes_;  // what `larder explain` is told about a miss
};

bool CompileFlow::prepare() {
  try {
    compiler::KeyContext context;
    context.cwd = cwd_;
    context.memo_dir = settings_.cache_dir() / "memo";
    context.base_dirs_setting = settings_.get("LARDER_BASEDIRS");
    context.hash_file = [this](const fs::path& p) { return hasher_.hash(p); };
    // Objects of another format (another larder release) are never looked up, so an upgrade
    // reads no "corrupt" entries and old and new releases can share one bucket.
    KeyBuilder format;
    format.add("larder", "cache format", std::to_string(kFormatVersion));
    auto key = call_.call_key(context, std::move(format));
    if (!key) return cache_unavailable(key.error());
    notes_.key_parts = std::move(*key);
    call_key_ = notes_.key_parts.digest();
    auto [tiers, problems] = storage::make_storage_tiers(settings_);
    const bool read_only = settings_.flag("LARDER_READ_ONLY");
    defer_uploads_ = !read_only && settings_.flag("LARDER_DEFER_UPLOADS");
    // Deferred: this call writes no remote; `larder cache push` uploads what it queued.
    chain_.emplace(std::move(tiers), read_only || defer_uploads_);
    for (const auto& problem : problems) warn_once(warning_markers(settings_), current_build_id(), problem);
    prepared_ = true;
  } catch (const std::exception& error) {  // a library's (the filesystem's): the cache is unusable
    return cache_unavailable(error.what());
  }
  return prepared_;
}

bool CompileFlow::cache_unavailable(const std::string& why) {
  spdlog::warn("cache unavailable for {}: {}; compiling without the cache", label(), why);
  stats_.read_errors++;
  notes_.why = {"the cache was unavailable: " + why};
  notes_.advice = {"run larder doctor"};
  return false;
}

bool CompileFlow::result_matches(const ManifestResult& result) {
  for (const auto& pinned : result.pinned_dirs) {
    if (paths().path_of(pinned.marker) != pinned.path) return false;
  }
  for (const auto& dep : result.env_deps) {
    if (env_value_hash(env_value(dep.name), dep.portable, paths()) != dep.value_hash) return false;
  }
  for (const auto& absent : result.must_be_absent) {
    if (lstat_file(local_file(absent))) return false;
  }
  for (const auto& source : result.sources) {
    const fs::path path = local_file(source.path);
    auto digest = hasher_.hash(path);
    if (!digest) {
      // larder only records regular files: one that is now a FIFO or a device (a crafted
      // manifest naming /dev/zero) is a changed input and a fault, never read.
      if (const auto stamp = stat_file(path); stamp && !S_ISREG(stamp->mode)) {
        spdlog::warn("{}: recorded source {} is not a regular file; not read, compiling", label(), path.string());
        stats_.read_errors++;
      }
      return false;
    }
    if (*digest != source.hash) return false;
  }
  return true;
}

std::optional<Entry> CompileFlow::lookup() {
  const std::string manifest_name = call_key_ + ".manifest";
  manifest_object_ = chain_->get(manifest_name);
  if (!manifest_object_) {
    spdlog::debug("{}: lookup: no manifest for call key {}", label(), call_key_);
    return std::nullopt;
  }
  const storage::Fetched& fetched = *manifest_object_;
  stats_.bytes_read += fetched.blob.size();
  // Every check on the manifest passes before it is used or copied into an earlier tier.
  std::string_view carried_entry;  // a view into fetched.blob, which lives as long as the flow
  try {
    auto checked = checked_manifest_object(fetched.blob, call_key_);
    manifest_ = std::move(checked.manifest);
    carried_entry = checked.carried_entry;
    chain_->promote(manifest_name, fetched.tier, checked.manifest_blob, fetched.blob);
  } catch (const std::exception& error) {
    chain_->reject(manifest_name, fetched, error.what());
    notes_.why = {"the cached manifest for this key was damaged (removed)"};
    return std::nullopt;
  }
  for (const auto& result : manifest_->results) {
    if (!result_matches(result)) continue;
    const std::string entry_name = result.entry_object + ".entry";
    // A remote's manifest carries the newest result's entry (cache/manifest_bundle.hpp),
    // already checked to be the object that result names: no second request.
    const bool carried = !carried_entry.empty() && &result == &manifest_->results.front();
    if (!carried) entry_object_ = chain_->get(entry_name);
    if (!carried && !entry_object_) {
      spdlog::debug("{}: lookup: entry {} is gone", label(), result.entry_object);
      notes_.why = {"the cache entry for these inputs is gone (trimmed, cleared or expired)"};
      notes_.advice = {"raise LARDER_CACHE_SIZE if the local cache is trimmed often"};
      return std::nullopt;
    }
    entry_name_ = entry_name;
    entry_source_ = carried ? &*manifest_object_ : &*entry_object_;
    entry_blob_ = carried ? carried_entry : std::string_view(entry_object_->blob);
    if (!carried) stats_.bytes_read += entry_blob_.size();
    try {
      // Content addressed: an object other than the one the manifest names (another crate's
      // entry, an older one of this crate) is refused before it is decoded.
      if (!carried && sha256_hex(entry_blob_) != result.entry_object) {
        throw CorruptData("not the entry its manifest names");
      }
      Entry entry = deserialize_entry(entry_blob_);
      stats_.direct_hits++;  // resolved from the manifest, without running the compiler
      return entry;
    } catch (const std::exception& error) {
      reject_entry(error.what());
      notes_.why = {"the cache entry for these inputs was damaged (removed)"};
      return std::nullopt;
    }
  }
  spdlog::debug("{}: lookup: sources or environment differ from all {} recorded results", label(),
                manifest_->results.size());
  explain_lookup_miss();
  return std::nullopt;
}

// The call key was found, so only sources or environment differ: the manifest names them.
void CompileFlow::explain_lookup_miss() {
  try {
    CurrentInputs now;
    now.env_hash = [this](const ManifestEnvDep& dep) {
      return env_value_hash(env_value(dep.name), dep.portable, paths());
    };
    now.exists = [this](const std::string& path) { return lstat_file(local_file(path)).has_value(); };
    now.source_hash = [this](const std::string& path) { return hasher_.hash(local_file(path)); };
    now.base_dir = [this](const std::string& marker) { return paths().path_of(marker); };
    notes_.why = explain_manifest_mismatch(*manifest_, now);
  } catch (const std::exception& error) {
    spdlog::debug("{}: cannot explain the miss: {}", label(), error.what());
  }
}

void CompileFlow::reject_entry(std::string_view why) {
  const bool carried = entry_source_ == &*manifest_object_;
  chain_->reject(carried ? call_key_ + ".manifest" : entry_name_, *entry_source_, why);
}

bool CompileFlow::restore(const Entry& entry) {
  const auto& outputs = call_.outputs();
  // The entry must hold exactly the outputs this call expects, each once (none for a replayed
  // failure): one that does not is damage (its key says it is this call's) and is rejected.
  const size_t expected_count = entry.exit_code == 0 ? outputs.size() : 0;
  if (entry.exit_code != 0 && !call_.caches_failures()) {
    reject_entry("exit status 1 from a compiler whose failures are not cached");
    return false;
  }
  if (entry.outputs.size() != expected_count) {
    reject_entry(std::to_string(entry.outputs.size()) + " outputs where the call expects " +
                 std::to_string(expected_count));
    return false;
  }
  std::vector<std::pair<const compiler::ExpectedOutput*, const StoredOutput*>> plan;
  // Rewritten here, before the clock starts: restore_seconds is only writing.
  std::vector<std::string> relocated(entry.outputs.size());
  for (const auto& expected : outputs) {
    if (expected_count == 0) break;
    const StoredOutput* match = nullptr;
    for (const auto& stored : entry.outputs) {
      if (stored.role == expected.role) match = &stored;
    }
    if (match == nullptr) {
      reject_entry("it lacks the " + expected.role + " output");
      return false;
    }
    if (expected.relocated) relocated[plan.size()] = relocate(std::string(match->data), entry, paths());
    plan.emplace_back(&expected, match);
  }
  const auto writing_started = Clock::now();
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& [expected, stored] = plan[i];
    auto written = replace_output_file(
        expected->path, expected->relocated ? std::string_view(relocated[i]) : stored->data, stored->mode);
    if (!written) {
      spdlog::warn("{}: cannot restore {}: {}; rebuilding", label(), expected->path.string(), written.error());
      stats_.read_errors++;
      return false;
    }
  }
  stats_.restore_seconds += seconds_since(writing_started);
  for (const auto& [expected, stored] : plan) {
    if (!expected->relocated) hasher_.remember(expected->path, stored->hash);
  }
  return true;
}

std::optional<ManifestResult> CompileFlow::record_inputs(int64_t started_ns) {
  const auto inputs = call_.inputs_read();
  if (!inputs) return std::nullopt;
  ManifestResult record;
  for (const auto& source : inputs->sources) {
    const fs::path path = resolve_path(source, cwd_);
    auto stamp = stat_file(path);
    auto digest = hasher_.hash(path);
    if (!stamp || !digest) {
      spdlog::warn("{}: cannot read source {}; not cached", label(), path.string());
      stats_.write_errors++;
      return std::nullopt;
    }
    if (stamp->mtime_ns >= started_ns) {
      spdlog::info("{}: {} changed during the compile; not cached", label(), path.string());
      return std::nullopt;
    }
    record.sources.push_back({paths().to_portable(source), *digest});
  }
  for (const auto& path : inputs->late_inputs) {
    auto digest = hasher_.hash(path);
    if (!digest) {
      spdlog::warn("{}: cannot read link input {}; not cached", label(), path.string());
      return std::nullopt;
    }
    record.sources.push_back({paths().to_portable(path.string()), *digest});
  }
  for (const auto& absent : inputs->must_be_absent)
    record.must_be_absent.push_back(paths().to_portable(absent.string()));
  for (const auto& dep : inputs->env_deps) {
    const bool portable = dep.value && paths().to_portable(*dep.value) != *dep.value;
    record.env_deps.push_back({dep.name, env_value_hash(dep.value, portable, paths()), portable});
  }
  return record;
}

void CompileFlow::store(const ProcessResult& result, double compile_seconds, int64_t started_ns) {
  auto record = record_inputs(started_ns);
  if (!record) return;
  notes_.compiled = *record;
  ManifestResult& manifest_result = *record;

  Entry entry;
  entry.exit_code = result.exit_code;
  entry.compile_seconds = compile_seconds;
  entry.stdout_data = result.out;
  entry.stderr_data = result.err;
  // relocate() rewrites them in this order: a folder inside another must come first.
  for (const auto& dir : paths().most_specific_first()) entry.base_dirs.emplace_back(dir.marker, dir.path);
  std::vector<OutputFile> files;
  // A replayed failure restores no outputs: the build system ignores what a failed compile left.
  if (result.exit_code == 0) {
    for (const auto& expected : call_.outputs()) files.push_back({expected.role, expected.path});
  }
  if (const auto unreadable = load_outputs(entry, files)) {
    spdlog::warn("{}: expected output {} is missing or unreadable; not cached", label(), unreadable->string());
    stats_.write_errors++;
    return;
  }
  for (size_t i = 0; i < files.size(); ++i) hasher_.remember(files[i].path, entry.outputs[i].hash);

  // An output that spells out a base folder's absolute path is only valid at that path.
  for (const auto& dir : paths().dirs()) {
    for (size_t i = 0; i < entry.outputs.size(); ++i) {
      const auto& output = entry.outputs[i];
      // An output inside another is searched with it; a relocated one is rewritten on restore.
      if (!call_.outputs()[i].relocated && !output.inside && contains(output.data, dir.path)) {
        manifest_result.pinned_dirs.push_back({dir.marker, dir.path});
        spdlog::debug("{}: output {} contains {}: entry pinned to that path", label(), output.role, dir.path);
        break;
      }
    }
  }
  manifest_result.entry_key = entry_key_of(call_key_, manifest_result);

  const std::string entry_blob = serialize_entry(entry);
  manifest_result.entry_object = sha256_hex(entry_blob);
  if (!chain_->put(manifest_result.entry_object + ".entry", entry_blob)) return;
  stats_.bytes_written += entry_blob.size();
  notes_.stored = true;
  const std::string entry_name = manifest_result.entry_object + ".entry";
  write_manifest(std::move(manifest_result), entry_blob);
  if (defer_uploads_ && chain_->tiers().size() > 1 &&
      !UploadQueue(settings_.cache_dir()).add({entry_name, call_key_ + ".manifest"})) {
    spdlog::warn("{}: cannot queue the upload of its entry in {}; it stays in the local cache", label(),
                 settings_.cache_dir().string());
    stats_.write_errors++;
  }
}

// Builds of the same crate may store results at the same time (CI jobs, cargo in two
// folders): the result is merged into the newest stored manifest, read again right before
// writing, under a lock that the builds on this machine share, so none of their results is
// lost. Builds on other machines can still race between this read and the write; their
// result then comes back with their next store.
void CompileFlow::write_manifest(ManifestResult result, std::string_view entry_blob) {
  const std::string name = call_key_ + ".manifest";
  FileLock lock(settings_.cache_dir() / "locks" / ("manifest-" + call_key_.substr(0, 2)));
  Manifest manifest;
  manifest.results.push_back(std::move(result));
  // Deferred uploads merge with the remote's manifest when they are pushed, not here.
  if (auto stored = defer_uploads_ ? local_object(name) : chain_->get(name)) {
    try {
      merge_results(manifest, checked_manifest_object(stored->blob, call_key_).manifest);
    } catch (const std::exception& error) {
      chain_->reject(name, *stored, error.what());
    }
  }
  if (manifest_) merge_results(manifest, *manifest_);
  const std::string blob = serialize_manifest(manifest);
  // Remotes get the manifest with this result's entry in it: their next hit is one request.
  // Only built where a remote is written now (a copy of up to 4 MiB on every miss).
  const bool remotes_written = chain_->tiers().size() > 1 && !defer_uploads_;
  const std::string remote_blob = remotes_written ? remote_manifest_object(blob, entry_blob) : std::string();
  if (chain_->put(name, blob, remotes_written ? std::string_view(remote_blob) : std::string_view(blob))) {
    stats_.bytes_written += blob.size();
  }
}

std::optional<storage::Fetched> CompileFlow::local_object(const std::string& name) {
  auto result = chain_->tiers().front()->get(name);
  if (result.outcome != storage::Outcome::Ok) return std::nullopt;
  return storage::Fetched{std::move(result.data), 0};
}

void CompileFlow::record_miss(double compile_seconds) {
  MissFacts facts;
  facts.crate = label();
  facts.language = std::string(compiler::language_name(call_.language()));
  facts.identity = call_.identity();
  facts.metadata = call_.variant();
  facts.components = notes_.key_parts.components();
  facts.result = notes_.compiled;
  facts.stored = notes_.stored;
  facts.compile_seconds = compile_seconds;
  facts.known_why = notes_.why;
  facts.advice = notes_.advice;
  recorder_.missed(facts);
}

void CompileFlow::add_tier_counts() {
  if (!chain_) return;
  const auto& counts = chain_->counts();
  for (size_t i = 0; i < counts.tiers.size(); ++i) {
    stats_.storage_for(chain_->tiers()[i]->kind(), chain_->tiers()[i]->location()).objects += counts.tiers[i];
  }
  stats_.read_errors += counts.read_errors;
  stats_.write_errors += counts.write_errors;
}

ProcessResult CompileFlow::run() {
  const bool recache = settings_.flag("LARDER_RECACHE");
  if (prepare() && !recache) {
    if (auto replayed = serve_hit()) return *replayed;
  }
  if (recache && prepared_) {
    notes_.why = {"LARDER_RECACHE is set: every call compiles and overwrites its entry"};
    notes_.advice = {"unset LARDER_RECACHE once the entries are rewritten"};
  }
  spdlog::debug("{}: miss{}", label(), recache ? " (LARDER_RECACHE)" : "");
  return compile_and_store();
}

std::optional<ProcessResult> CompileFlow::serve_hit() {
  try {
    auto entry = lookup();
    if (!entry) return std::nullopt;
    if (!restore(*entry)) {
      notes_.why = {"the cache entry could not be restored (see LARDER_LOG=warn)"};
      return std::nullopt;
    }
    chain_->promote(entry_name_, entry_source_->tier, entry_blob_, entry_blob_);
    const std::string out = relocate(entry->stdout_data, *entry, paths());
    const std::string err = relocate(entry->stderr_data, *entry, paths());
    ::write(STDOUT_FILENO, out.data(), out.size());
    ::write(STDERR_FILENO, err.data(), err.size());
    stats_.cache_hits++;
    const auto& tier = *chain_->tiers()[entry_source_->tier];
    stats_.storage_for(tier.kind(), tier.location()).call_hits++;
    stats_.saved_seconds += entry->compile_seconds;
    // The build log's line carries the hit's time, so it cannot include its own writing; the
    // stats do.
    const double hit_seconds = seconds_since(started_);
    recorder_.hit(label(), hit_seconds, stats_.restore_seconds);
    stats_.wrapper_seconds += seconds_since(started_);
    spdlog::debug("{}: hit", label());
    ProcessResult replayed;
    replayed.started = true;
    replayed.exit_code = entry->exit_code;
    return replayed;
  } catch (const std::exception& error) {
    spdlog::warn("{}: cache lookup failed: {}; compiling", label(), error.what());
    stats_.read_errors++;
    notes_.why = {std::string("the cache lookup failed: ") + error.what()};
    return std::nullopt;
  }
}

ProcessResult CompileFlow::compile_and_store() {
  recorder_.compiling(label());
  call_.remove_stale_temporaries();
  const int64_t started_ns = now_ns();
  const auto compile_start = Clock::now();
  ProcessResult result =
      run_process(call_.command(prepared_ ? compiler::Additions::With : compiler::Additions::Without),
                  ProcessOutput::CaptureAndEcho);
  const double compile_seconds = seconds_since(compile_start);
  if (!result.started) {
    spdlog::error("cannot run {}: {}", call_.command(compiler::Additions::Without)[0], result.error);
    result.exit_code = 127;
    return result;
  }
  stats_.compile_seconds += compile_seconds;
  // A linter's denied lint is its result, replayed like a success; any other failure (and a
  // signal) is never stored.
  const bool stored_failure = call_.caches_failures() && !result.signaled && result.exit_code == 1;
  if (result.signaled || result.exit_code != 0) {
    stats_.compile_failures++;
    recorder_.failed(label(), compile_seconds);
    if (!stored_failure) {
      call_.remove_temporaries();
      return result;
    }
  } else {
    stats_.cache_misses++;
  }
  if (prepared_) {
    try {
      store(result, compile_seconds, started_ns);
    } catch (const std::exception& error) {
      spdlog::warn("{}: cannot store the result: {}", label(), error.what());
      stats_.write_errors++;
    }
  }
  if (!stored_failure) record_miss(compile_seconds);
  call_.remove_temporaries();
  return result;
}

}  // namespace

fs::path warning_markers(const Settings& settings) { return settings.cache_dir() / "memo" / "warnings"; }

ProcessResult run_cached_call(const Settings& settings, compiler::Call& call, const fs::path& cwd,
                              StatsCounters& stats) {
  CompileFlow flow(settings, call, cwd, stats);
  ProcessResult result = flow.run();
  flow.add_tier_counts();
  return result;
}

}  // namespace larder::wrapper
