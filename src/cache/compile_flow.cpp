#include "cache/compile_flow.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>

#include "cache/build_log.hpp"
#include "cache/entry.hpp"
#include "cache/file_hasher.hpp"
#include "cache/manifest.hpp"
#include "cache/manifest_bundle.hpp"
#include "cache/miss_explainer.hpp"
#include "cache/miss_log.hpp"
#include "cache/object_checks.hpp"
#include "cache/stats.hpp"
#include "cache/upload_queue.hpp"
#include "config/settings.hpp"
#include "rustc/arguments.hpp"
#include "rustc/base_dirs.hpp"
#include "rustc/call_key.hpp"
#include "rustc/compilation.hpp"
#include "rustc/compiler_identity.hpp"
#include "rustc/dep_info.hpp"
#include "rustc/linker_identity.hpp"
#include "storage/factory.hpp"
#include "storage/storage_chain.hpp"
#include "util/binary_io.hpp"
#include "util/file_lock.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/key_builder.hpp"
#include "util/logging.hpp"
#include "util/process.hpp"

extern char** environ;

namespace larder::cache {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Where the markers of warn_once() live: a settings problem is the same for every wrapper of a
// build, so it is reported once per build.
fs::path warning_markers(const Settings& settings) { return settings.cache_dir() / "memo" / "warnings"; }

bool contains(std::string_view haystack, std::string_view needle) {
  return !needle.empty() && ::memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

// The path whose appearance would change how `mod` resolves to this source: foo.rs <-> foo/mod.rs.
std::optional<fs::path> module_alternative(const fs::path& source) {
  if (source.extension() != ".rs") return std::nullopt;
  if (source.filename() == "mod.rs") {
    const fs::path dir = source.parent_path();
    if (dir.filename().empty()) return std::nullopt;
    return dir.parent_path() / (dir.filename().string() + ".rs");
  }
  return source.parent_path() / source.stem() / "mod.rs";
}

std::vector<std::pair<std::string, std::string>> environment_list() {
  std::vector<std::pair<std::string, std::string>> list;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    list.emplace_back(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return list;
}

std::optional<std::string> getenv_value(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string env_value_hash(const std::optional<std::string>& value, bool portable, const PathMap& map) {
  if (!value) return "";
  return sha256_hex(portable ? map.to_portable(*value) : *value);
}

// The records of one crate, compared to explain its misses: cargo's build of a crate for one
// target and purpose. Profile and features stay out: they are what a comparison names.
std::string crate_identity(const rustc::ParsedArguments& args) {
  std::string identity = args.crate_name + "|";
  std::vector<std::string> types = args.crate_types;
  std::sort(types.begin(), types.end());
  for (const auto& type : types) identity += type + ",";
  identity += "|" + args.target.value_or("host") + (args.test_harness ? "|test" : "|");
  return identity;
}

// rustc's own link temporaries, removed before it returns: codegen units (<out-dir>/*.rcgu.o)
// and the files of its temp folder (<out-dir>/rustcXXXX/).
bool is_rustc_temporary(const fs::path& path, const fs::path& out_dir) {
  if (path.parent_path() == out_dir) return path.string().ends_with(".rcgu.o");
  return path.parent_path().parent_path() == out_dir && path.parent_path().filename().string().starts_with("rustc");
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
  CompileFlow(const Settings& settings, const std::vector<std::string>& command, const rustc::ParsedArguments& args,
              const rustc::Compilation& compilation, fs::path cwd, StatsCounters& stats)
      : settings_(settings),
        command_(command),
        args_(args),
        compilation_(compilation),
        cwd_(std::move(cwd)),
        stats_(stats),
        hasher_(settings.cache_dir() / "memo" / "file-hashes"),
        miss_log_(settings.cache_dir()) {}

  // Serves the call from the cache, or compiles (and stores) it; returns how the call ends:
  // the replayed result of a hit, or rustc's own.
  ProcessResult run();
  // Adds the storage tiers' counts to the call's stats and records them.
  void record_stats();

 private:
  bool prepare();
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
  ProcessResult compile();
  void store(const ProcessResult& result, double compile_seconds, int64_t started_ns);
  bool add_link_inputs(ManifestResult& result);
  void remove_temporaries() const;
  void explain_lookup_miss();
  // A portable path of a manifest, as a file of this checkout.
  fs::path local_file(const std::string& portable) const { return resolve_path(paths_.to_local(portable), cwd_); }
  void record_miss(double compile_seconds);

  const Settings& settings_;
  const std::vector<std::string>& command_;
  const rustc::ParsedArguments& args_;
  const rustc::Compilation& compilation_;
  fs::path cwd_;
  StatsCounters& stats_;
  FileHasher hasher_;
  Clock::time_point started_ = Clock::now();

  bool prepared_ = false;
  // LARDER_DEFER_UPLOADS: stores go to the local tier and the upload queue (cache/upload_queue.hpp).
  bool defer_uploads_ = false;
  std::string sysroot_;
  PathMap paths_;
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

  // For `larder explain`: the key's parts, why the lookup missed when it can tell, and what
  // the compile read.
  MissLog miss_log_;
  KeyBuilder call_key_parts_;  // kept whole: only a miss needs its components
  std::vector<std::string> miss_why_;
  std::vector<std::string> miss_advice_;
  std::optional<ManifestResult> compiled_result_;
  bool stored_ = false;
};

bool CompileFlow::prepare() {
  try {
    const fs::path dir = settings_.cache_dir();
    auto identity = rustc::identify_compiler(
        {command_[0], getenv_value("RUSTUP_TOOLCHAIN"), getenv_value("RUSTUP_HOME"), getenv_value("HOME")},
        dir / "memo" / "compilers");
    sysroot_ = identity.sysroot;
    std::optional<rustc::LinkerIdentity> linker;
    if (compilation_.linked) linker = rustc::identify_linker(args_, dir / "memo" / "linkers");
    paths_ = rustc::detect_base_dirs({cwd_, settings_.get("LARDER_BASEDIRS"), getenv_value("CARGO_MANIFEST_DIR"),
                                      getenv_value("CARGO_HOME"), getenv_value("HOME")},
                                     args_);
    rustc::CallKeyInputs inputs;
    inputs.compiler = &identity;
    inputs.linker = linker ? &*linker : nullptr;
    inputs.args = &args_;
    inputs.cwd = cwd_;
    inputs.paths = &paths_;
    inputs.hash_file = [this](const fs::path& p) { return hasher_.hash(p); };
    inputs.environment = environment_list;
    // Objects of another format (another larder release) are never looked up, so an upgrade
    // reads no "corrupt" entries and old and new releases can share one bucket.
    KeyBuilder format;
    format.add("larder", "cache format", std::to_string(kFormatVersion));
    call_key_parts_ = rustc::build_call_key(inputs, std::move(format));
    call_key_ = call_key_parts_.digest();
    auto [tiers, problems] = storage::make_storage_tiers(settings_);
    const bool read_only = settings_.flag("LARDER_READ_ONLY");
    defer_uploads_ = !read_only && settings_.flag("LARDER_DEFER_UPLOADS");
    // Deferred: this call writes no remote; `larder cache push` uploads what it queued.
    chain_.emplace(std::move(tiers), read_only || defer_uploads_);
    for (const auto& problem : problems) warn_once(warning_markers(settings_), current_build_id(), problem);
    prepared_ = true;
  } catch (const std::exception& error) {
    spdlog::warn("cache unavailable for crate {}: {}; compiling without the cache", args_.crate_name, error.what());
    stats_.read_errors++;
    miss_why_ = {std::string("the cache was unavailable: ") + error.what()};
    miss_advice_ = {"run larder doctor"};
  }
  return prepared_;
}

bool CompileFlow::result_matches(const ManifestResult& result) {
  for (const auto& pinned : result.pinned_dirs) {
    if (paths_.path_of(pinned.marker) != pinned.path) return false;
  }
  for (const auto& dep : result.env_deps) {
    if (env_value_hash(getenv_value(dep.name), dep.portable, paths_) != dep.value_hash) return false;
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
        spdlog::warn("{}: recorded source {} is not a regular file; not read, compiling", args_.crate_name,
                     path.string());
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
    spdlog::debug("{}: lookup: no manifest for call key {}", args_.crate_name, call_key_);
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
    miss_why_ = {"the cached manifest for this key was damaged (removed)"};
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
      spdlog::debug("{}: lookup: entry {} is gone", args_.crate_name, result.entry_object);
      miss_why_ = {"the cache entry for these inputs is gone (trimmed, cleared or expired)"};
      miss_advice_ = {"raise LARDER_CACHE_SIZE if the local cache is trimmed often"};
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
      stats_.direct_hits++;  // resolved from the manifest, without running rustc
      return entry;
    } catch (const std::exception& error) {
      reject_entry(error.what());
      miss_why_ = {"the cache entry for these inputs was damaged (removed)"};
      return std::nullopt;
    }
  }
  spdlog::debug("{}: lookup: sources or environment differ from all {} recorded results", args_.crate_name,
                manifest_->results.size());
  explain_lookup_miss();
  return std::nullopt;
}

// The call key was found, so only sources or environment differ: the manifest names them.
void CompileFlow::explain_lookup_miss() {
  try {
    CurrentInputs now;
    now.env_hash = [this](const ManifestEnvDep& dep) {
      return env_value_hash(getenv_value(dep.name), dep.portable, paths_);
    };
    now.exists = [this](const std::string& path) { return lstat_file(local_file(path)).has_value(); };
    now.source_hash = [this](const std::string& path) { return hasher_.hash(local_file(path)); };
    now.base_dir = [this](const std::string& marker) { return paths_.path_of(marker); };
    miss_why_ = explain_manifest_mismatch(*manifest_, now);
  } catch (const std::exception& error) {
    spdlog::debug("{}: cannot explain the miss: {}", args_.crate_name, error.what());
  }
}

void CompileFlow::reject_entry(std::string_view why) {
  const bool carried = entry_source_ == &*manifest_object_;
  chain_->reject(carried ? call_key_ + ".manifest" : entry_name_, *entry_source_, why);
}

bool CompileFlow::restore(const Entry& entry) {
  // The entry must hold exactly the outputs this call expects, each once: one that does not
  // is damage (its key says it is this call's) and is rejected.
  if (entry.outputs.size() != compilation_.outputs.size()) {
    reject_entry(std::to_string(entry.outputs.size()) + " outputs where the call expects " +
                 std::to_string(compilation_.outputs.size()));
    return false;
  }
  std::vector<std::pair<const rustc::ExpectedOutput*, const StoredOutput*>> plan;
  std::string dep_info;  // rewritten here, before the clock starts: restore_seconds is only writing
  for (const auto& expected : compilation_.outputs) {
    const StoredOutput* match = nullptr;
    for (const auto& stored : entry.outputs) {
      if (stored.role == expected.role) match = &stored;
    }
    if (match == nullptr) {
      reject_entry("it lacks the " + expected.role + " output");
      return false;
    }
    plan.emplace_back(&expected, match);
    if (expected.role == "dep-info") dep_info = relocate(std::string(match->data), entry, paths_);
  }
  const auto writing_started = Clock::now();
  for (const auto& [expected, stored] : plan) {
    const bool relocated = expected->role == "dep-info";
    auto written =
        replace_output_file(expected->path, relocated ? std::string_view(dep_info) : stored->data, stored->mode);
    if (!written) {
      spdlog::warn("{}: cannot restore {}: {}; rebuilding", args_.crate_name, expected->path.string(), written.error());
      stats_.read_errors++;
      return false;
    }
  }
  stats_.restore_seconds += seconds_since(writing_started);
  for (const auto& [expected, stored] : plan) {
    if (expected->role != "dep-info") hasher_.remember(expected->path, stored->hash);
  }
  return true;
}

ProcessResult CompileFlow::compile() {
  std::vector<std::string> argv = command_;
  if (prepared_) {
    if (compilation_.injected_dep_info) argv.push_back("--emit=dep-info=" + compilation_.dep_info_path.string());
    for (auto& remap : rustc::remap_arguments(paths_)) argv.push_back(std::move(remap));
    if (compilation_.linked)
      argv.push_back("-Clink-arg=-Wl,--dependency-file=" + compilation_.link_inputs_path.string());
  }
  return run_process(argv, ProcessOutput::CaptureAndEcho);
}

void CompileFlow::remove_temporaries() const {
  std::error_code ec;
  if (compilation_.injected_dep_info) fs::remove(compilation_.dep_info_path, ec);
  if (compilation_.linked) fs::remove(compilation_.link_inputs_path, ec);
}

// Every file the linker read becomes a source of the entry, except the toolchain's own files
// (the compiler identity covers them) and rustc's temporary objects (made from the sources).
bool CompileFlow::add_link_inputs(ManifestResult& result) {
  auto text = read_file(compilation_.link_inputs_path);
  if (!text) {
    spdlog::info("{}: the linker wrote no --dependency-file (not GNU ld, lld or mold?); not cached", args_.crate_name);
    return false;
  }
  const fs::path out_dir = compilation_.outputs.front().path.parent_path();
  for (const auto& input : rustc::parse_dep_info(*text).sources) {
    const fs::path path = resolve_path(input, cwd_);
    if (!sysroot_.empty() && path.string().starts_with(sysroot_ + "/")) continue;
    if (!lstat_file(path)) {
      if (is_rustc_temporary(path, out_dir)) continue;
      spdlog::info("{}: link input {} is gone after the link; not cached", args_.crate_name, path.string());
      return false;
    }
    auto digest = hasher_.hash(path);
    if (!digest) {
      spdlog::warn("{}: cannot read link input {}; not cached", args_.crate_name, path.string());
      return false;
    }
    result.sources.push_back({paths_.to_portable(path.string()), *digest});
  }
  return true;
}

void CompileFlow::store(const ProcessResult& result, double compile_seconds, int64_t started_ns) {
  auto dep_text = read_file(compilation_.dep_info_path);
  if (!dep_text) {
    spdlog::warn("{}: rustc wrote no dep-info at {}; not cached", args_.crate_name,
                 compilation_.dep_info_path.string());
    stats_.write_errors++;
    return;
  }
  const rustc::DepInfo info = rustc::parse_dep_info(*dep_text);

  Entry entry;
  entry.exit_code = result.exit_code;
  entry.compile_seconds = compile_seconds;
  entry.stdout_data = result.out;
  entry.stderr_data = result.err;
  // relocate() rewrites them in this order: a folder inside another must come first.
  for (const auto& dir : paths_.most_specific_first()) entry.base_dirs.emplace_back(dir.marker, dir.path);
  std::vector<OutputFile> files;
  for (const auto& expected : compilation_.outputs) files.push_back({expected.role, expected.path});
  if (const auto unreadable = load_outputs(entry, files)) {
    spdlog::warn("{}: expected output {} is missing or unreadable; not cached", args_.crate_name, unreadable->string());
    stats_.write_errors++;
    return;
  }
  for (size_t i = 0; i < files.size(); ++i) hasher_.remember(files[i].path, entry.outputs[i].hash);

  ManifestResult manifest_result;
  for (const auto& source : info.sources) {
    const fs::path path = resolve_path(source, cwd_);
    auto stamp = stat_file(path);
    auto digest = hasher_.hash(path);
    if (!stamp || !digest) {
      spdlog::warn("{}: cannot read source {}; not cached", args_.crate_name, path.string());
      stats_.write_errors++;
      return;
    }
    if (stamp->mtime_ns >= started_ns) {
      spdlog::info("{}: {} changed during the compile; not cached", args_.crate_name, path.string());
      return;
    }
    manifest_result.sources.push_back({paths_.to_portable(source), *digest});
    if (auto alternative = module_alternative(path); alternative && !lstat_file(*alternative)) {
      manifest_result.must_be_absent.push_back(paths_.to_portable(alternative->string()));
    }
  }
  if (compilation_.linked && !add_link_inputs(manifest_result)) return;
  for (const auto& dep : info.env_deps) {
    const bool portable = dep.value && paths_.to_portable(*dep.value) != *dep.value;
    manifest_result.env_deps.push_back({dep.name, env_value_hash(dep.value, portable, paths_), portable});
  }
  compiled_result_ = manifest_result;
  // An output that spells out a base folder's absolute path is only valid at that path.
  for (const auto& dir : paths_.dirs()) {
    for (const auto& output : entry.outputs) {
      // An output inside another is searched with it.
      if (output.role != "dep-info" && !output.inside && contains(output.data, dir.path)) {
        manifest_result.pinned_dirs.push_back({dir.marker, dir.path});
        spdlog::debug("{}: output {} contains {}: entry pinned to that path", args_.crate_name, output.role, dir.path);
        break;
      }
    }
  }
  manifest_result.entry_key = entry_key_of(call_key_, manifest_result);

  const std::string entry_blob = serialize_entry(entry);
  manifest_result.entry_object = sha256_hex(entry_blob);
  if (!chain_->put(manifest_result.entry_object + ".entry", entry_blob)) return;
  stats_.bytes_written += entry_blob.size();
  stored_ = true;
  const std::string entry_name = manifest_result.entry_object + ".entry";
  write_manifest(std::move(manifest_result), entry_blob);
  if (defer_uploads_ && chain_->tiers().size() > 1 &&
      !UploadQueue(settings_.cache_dir()).add({entry_name, call_key_ + ".manifest"})) {
    spdlog::warn("{}: cannot queue the upload of its entry in {}; it stays in the local cache", args_.crate_name,
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
  facts.crate = args_.crate_name;
  facts.identity = crate_identity(args_);
  facts.metadata = args_.codegen_value("metadata").value_or("");
  facts.components = call_key_parts_.components();
  facts.result = compiled_result_;
  facts.stored = stored_;
  facts.compile_seconds = compile_seconds;
  facts.known_why = miss_why_;
  facts.advice = miss_advice_;
  miss_log_.missed(facts);
}

void CompileFlow::record_stats() {
  if (chain_) {
    const auto& counts = chain_->counts();
    for (size_t i = 0; i < counts.tiers.size(); ++i) {
      stats_.storage_for(chain_->tiers()[i]->kind(), chain_->tiers()[i]->location()).objects += counts.tiers[i];
    }
    stats_.read_errors += counts.read_errors;
    stats_.write_errors += counts.write_errors;
  }
  StatsStore(settings_.cache_dir() / "stats").record(stats_);
}

ProcessResult CompileFlow::run() {
  const bool recache = settings_.flag("LARDER_RECACHE");
  if (prepare() && !recache) {
    if (auto replayed = serve_hit()) return *replayed;
  }
  if (recache && prepared_) {
    miss_why_ = {"LARDER_RECACHE is set: every call compiles and overwrites its entry"};
    miss_advice_ = {"unset LARDER_RECACHE once the entries are rewritten"};
  }
  spdlog::debug("{}: miss{}", args_.crate_name, recache ? " (LARDER_RECACHE)" : "");
  return compile_and_store();
}

std::optional<ProcessResult> CompileFlow::serve_hit() {
  try {
    auto entry = lookup();
    if (!entry) return std::nullopt;
    if (!restore(*entry)) {
      miss_why_ = {"the cache entry could not be restored (see LARDER_LOG=warn)"};
      return std::nullopt;
    }
    chain_->promote(entry_name_, entry_source_->tier, entry_blob_, entry_blob_);
    const std::string out = relocate(entry->stdout_data, *entry, paths_);
    const std::string err = relocate(entry->stderr_data, *entry, paths_);
    ::write(STDOUT_FILENO, out.data(), out.size());
    ::write(STDERR_FILENO, err.data(), err.size());
    stats_.cache_hits++;
    const auto& tier = *chain_->tiers()[entry_source_->tier];
    stats_.storage_for(tier.kind(), tier.location()).call_hits++;
    stats_.saved_seconds += entry->compile_seconds;
    // The build log's line carries the hit's time, so it cannot include its own writing; the
    // stats do.
    const double hit_seconds = seconds_since(started_);
    miss_log_.hit(args_.crate_name, hit_seconds, stats_.restore_seconds);
    stats_.wrapper_seconds += seconds_since(started_);
    spdlog::debug("{}: hit", args_.crate_name);
    ProcessResult replayed;
    replayed.started = true;
    replayed.exit_code = entry->exit_code;
    return replayed;
  } catch (const std::exception& error) {
    spdlog::warn("{}: cache lookup failed: {}; compiling", args_.crate_name, error.what());
    stats_.read_errors++;
    miss_why_ = {std::string("the cache lookup failed: ") + error.what()};
    return std::nullopt;
  }
}

ProcessResult CompileFlow::compile_and_store() {
  miss_log_.compiling(args_.crate_name);
  // The dep-info and link-input files of wrappers killed mid-compile, named with their pid.
  if (args_.out_dir) remove_stale_temps(resolve_path(*args_.out_dir, cwd_));
  const int64_t started_ns = now_ns();
  const auto compile_start = Clock::now();
  ProcessResult result = compile();
  const double compile_seconds = seconds_since(compile_start);
  if (!result.started) {
    spdlog::error("cannot run {}: {}", command_[0], result.error);
    result.exit_code = 127;
    return result;
  }
  stats_.compile_seconds += compile_seconds;
  if (result.signaled || result.exit_code != 0) {
    stats_.compile_failures++;
    miss_log_.failed(args_.crate_name, compile_seconds);
    remove_temporaries();
    return result;
  }
  stats_.cache_misses++;
  if (prepared_) {
    try {
      store(result, compile_seconds, started_ns);
    } catch (const std::exception& error) {
      spdlog::warn("{}: cannot store the result: {}", args_.crate_name, error.what());
      stats_.write_errors++;
    }
  }
  record_miss(compile_seconds);
  remove_temporaries();
  return result;
}

[[noreturn]] void pass_through(const std::vector<std::string>& command, const Settings& settings,
                               const StatsCounters& stats) {
  StatsStore(settings.cache_dir() / "stats").record(stats);
  exec_replace(command);
  std::fprintf(stderr, "larder: cannot run %s: %s\n", command[0].c_str(), std::strerror(errno));
  std::exit(127);
}

// A call larder cannot cache: counted by its reason in the stats and the build log, then run.
[[noreturn]] void pass_through_not_cached(const std::vector<std::string>& command, const Settings& settings,
                                          StatsCounters& stats, const std::string& crate,
                                          const rustc::NotCachedReason& reason) {
  stats.not_cached[reason.word()]++;
  MissLog(settings.cache_dir()).not_cached(crate, reason);
  pass_through(command, settings, stats);
}

}  // namespace

void run_wrapper(const std::vector<std::string>& command) {
  const Settings settings = Settings::load();
  init_logging(settings.get("LARDER_LOG"), settings.get("LARDER_LOG_FILE"), warning_markers(settings),
               current_build_id());
  if (settings.flag("LARDER_DISABLE")) {
    exec_replace(command);
    std::fprintf(stderr, "larder: cannot run %s: %s\n", command[0].c_str(), std::strerror(errno));
    std::exit(127);
  }
  StatsCounters stats;
  stats.compile_requests = 1;
  std::vector<std::string> expanded;
  if (auto error = rustc::expand_argfiles({command.begin() + 1, command.end()}, expanded)) {
    spdlog::warn("{}; passing the call to rustc uncached", *error);
    pass_through_not_cached(command, settings, stats, "rustc", {rustc::Reason::Argfile, ""});
  }
  const rustc::ParsedArguments args = rustc::parse_arguments(expanded);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  rustc::AnalysisOptions options;
  options.cache_linked = settings.flag("LARDER_CACHE_LINKED");
  const rustc::Compilation compilation = rustc::analyze(args, cwd, options);
  if (compilation.kind == rustc::CallKind::NotCompilation) {
    stats.not_compilation++;
    pass_through(command, settings, stats);
  }
  // Only now: cargo does not show what its probes (-vV, --print) write to stderr.
  for (const auto& problem : settings.problems()) warn_once(warning_markers(settings), current_build_id(), problem);
  if (compilation.kind == rustc::CallKind::NotCacheable) {
    const std::string crate = args.crate_name.empty() ? "rustc" : args.crate_name;
    spdlog::debug("{}: not cached: {}{}", crate, compilation.reason->word(),
                  args.unknown_option ? " (" + args.unknown_option_name + ")" : "");
    pass_through_not_cached(command, settings, stats, crate, *compilation.reason);
  }
  CompileFlow flow(settings, command, args, compilation, cwd, stats);
  const ProcessResult result = flow.run();
  flow.record_stats();
  exit_like(result);
}

}  // namespace larder::cache
