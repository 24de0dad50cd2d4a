#include "cache/stats.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "util/file_lock.hpp"
#include "util/files.hpp"

namespace larder::cache {

namespace {
constexpr int kShards = 16;

std::filesystem::path shard_path(const std::filesystem::path& dir, int shard) {
  return dir / ("stats-" + std::to_string(shard) + ".json");
}

// Shards are rewritten in place: readers and writers hold the shard's lock.
std::filesystem::path lock_path(const std::filesystem::path& dir, int shard) {
  return dir / ("stats-" + std::to_string(shard) + ".lock");
}

StatsCounters parse_shard(const std::optional<std::string>& text) {
  if (!text || text->empty()) return {};
  try {
    // The first JSON value only: a writer that died between its write and the cut to the new
    // length leaves a tail after it (counters only grow, so rarely even that).
    nlohmann::json json;
    std::istringstream(*text) >> json;
    return stats_from_json(json);
  } catch (const std::exception&) {
    return {};  // a damaged shard restarts from zero rather than failing the build
  }
}

// A shard is a short JSON record: a bigger file, a link or a FIFO there is not one.
std::optional<std::string> read_shard_text(const std::filesystem::path& path) {
  return read_regular_file(path, 1 << 20, Symlinks::Refuse);
}

StatsCounters read_shard(const std::filesystem::path& path) { return parse_shard(read_shard_text(path)); }

// Shards are padded with spaces to whole blocks: rewriting one in place then needs no new
// block until its counters outgrow it, so the counts are still kept on a full disk.
constexpr size_t kShardBlock = 4096;

std::string padded(std::string text) {
  text.resize((text.size() / kShardBlock + 1) * kShardBlock, ' ');
  return text;
}

// Adds `delta` to one shard; on failure (a full disk, a read-only folder) the shard keeps its
// old bytes and `error` says why.
bool record_in_shard(const std::filesystem::path& dir, int shard, const StatsCounters& delta, int& error) {
  const auto path = shard_path(dir, shard);
  FileLock lock(lock_path(dir, shard));
  if (!lock.locked()) {
    error = errno;
    return false;
  }
  const auto old_text = read_shard_text(path);
  StatsCounters current = parse_shard(old_text);
  current.add(delta);
  // In place under the lock: a new file and a rename per call cost more than the rest.
  if (overwrite_file(path, padded(to_json(current).dump()))) return true;
  error = errno;
  // A write cut short by a full disk leaves a mix: put back the old bytes, whose blocks exist.
  if (old_text && !old_text->empty()) {
    overwrite_file(path, *old_text);
  } else {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  return false;
}
}  // namespace

void LanguageCounters::add(const LanguageCounters& o) {
  compile_requests += o.compile_requests;
  cache_hits += o.cache_hits;
  cache_misses += o.cache_misses;
  not_cached += o.not_cached;
  not_compilation += o.not_compilation;
  compile_failures += o.compile_failures;
  compile_seconds += o.compile_seconds;
  saved_seconds += o.saved_seconds;
}

void StatsCounters::count_by_language(const std::string& language) {
  uint64_t uncached = 0;
  for (const auto& [reason, count] : not_cached) uncached += count;
  languages[language].add({compile_requests, cache_hits, cache_misses, uncached, not_compilation, compile_failures,
                           compile_seconds, saved_seconds});
}

void StatsCounters::add(const StatsCounters& o) {
  compile_requests += o.compile_requests;
  cache_hits += o.cache_hits;
  direct_hits += o.direct_hits;
  cache_misses += o.cache_misses;
  not_compilation += o.not_compilation;
  compile_failures += o.compile_failures;
  read_errors += o.read_errors;
  write_errors += o.write_errors;
  bytes_read += o.bytes_read;
  bytes_written += o.bytes_written;
  compile_seconds += o.compile_seconds;
  saved_seconds += o.saved_seconds;
  wrapper_seconds += o.wrapper_seconds;
  restore_seconds += o.restore_seconds;
  for (const auto& [reason, count] : o.not_cached) not_cached[reason] += count;
  for (const auto& [id, s] : o.storage) {
    auto& mine = storage_for(s.kind, s.location);
    mine.objects += s.objects;
    mine.call_hits += s.call_hits;
  }
  for (const auto& [language, counts] : o.languages) languages[language].add(counts);
}

StorageCounters& StatsCounters::storage_for(const std::string& kind, const std::string& location) {
  auto& s = storage[kind + "|" + location];
  s.kind = kind;
  s.location = location;
  return s;
}

double StatsCounters::hit_rate() const {
  const uint64_t lookups = cache_hits + cache_misses;
  return lookups == 0 ? 0.0 : static_cast<double>(cache_hits) / static_cast<double>(lookups);
}

nlohmann::json to_json(const StatsCounters& s) {
  nlohmann::json storage = nlohmann::json::array();
  for (const auto& [id, st] : s.storage) {
    storage.push_back({{"name", st.kind},
                       {"location", st.location},
                       {"hits", st.objects.hits},
                       {"misses", st.objects.misses},
                       {"writes", st.objects.writes},
                       {"errors", st.objects.errors},
                       {"call_hits", st.call_hits}});
  }
  nlohmann::json languages = nlohmann::json::object();
  for (const auto& [name, l] : s.languages) {
    languages[name] = {{"compile_requests", l.compile_requests}, {"cache_hits", l.cache_hits},
                       {"cache_misses", l.cache_misses},         {"not_cached", l.not_cached},
                       {"not_compilation", l.not_compilation},   {"compile_failures", l.compile_failures},
                       {"compile_seconds", l.compile_seconds},   {"saved_seconds", l.saved_seconds}};
  }
  return {
      {"compile_requests", s.compile_requests},
      {"cache_hits", s.cache_hits},
      {"cache_misses", s.cache_misses},
      {"hits_by_kind", {{"direct", s.direct_hits}}},
      {"hit_rate", s.hit_rate()},
      {"not_cached", s.not_cached},
      {"not_compilation", s.not_compilation},
      {"compile_failures", s.compile_failures},
      {"cache_errors", {{"read", s.read_errors}, {"write", s.write_errors}}},
      {"bytes_read", s.bytes_read},
      {"bytes_written", s.bytes_written},
      {"compile_seconds", s.compile_seconds},
      {"saved_seconds", s.saved_seconds},
      {"wrapper_seconds", s.wrapper_seconds},
      {"restore_seconds", s.restore_seconds},
      {"storage", storage},
      {"languages", languages},
  };
}

StatsCounters stats_from_json(const nlohmann::json& j) {
  StatsCounters s;
  s.compile_requests = j.value("compile_requests", uint64_t{0});
  s.cache_hits = j.value("cache_hits", uint64_t{0});
  s.cache_misses = j.value("cache_misses", uint64_t{0});
  if (j.contains("hits_by_kind")) s.direct_hits = j["hits_by_kind"].value("direct", uint64_t{0});
  s.not_compilation = j.value("not_compilation", uint64_t{0});
  s.compile_failures = j.value("compile_failures", uint64_t{0});
  if (j.contains("cache_errors")) {
    s.read_errors = j["cache_errors"].value("read", uint64_t{0});
    s.write_errors = j["cache_errors"].value("write", uint64_t{0});
  }
  s.bytes_read = j.value("bytes_read", uint64_t{0});
  s.bytes_written = j.value("bytes_written", uint64_t{0});
  s.compile_seconds = j.value("compile_seconds", 0.0);
  s.saved_seconds = j.value("saved_seconds", 0.0);
  s.wrapper_seconds = j.value("wrapper_seconds", 0.0);
  s.restore_seconds = j.value("restore_seconds", 0.0);
  if (j.contains("not_cached")) {
    for (const auto& [reason, count] : j["not_cached"].items()) s.not_cached[reason] = count.get<uint64_t>();
  }
  if (j.contains("storage")) {
    for (const auto& item : j["storage"]) {
      auto& st = s.storage_for(item.value("name", ""), item.value("location", ""));
      st.objects.hits = item.value("hits", uint64_t{0});
      st.objects.misses = item.value("misses", uint64_t{0});
      st.objects.writes = item.value("writes", uint64_t{0});
      st.objects.errors = item.value("errors", uint64_t{0});
      st.call_hits = item.value("call_hits", uint64_t{0});
    }
  }
  if (j.contains("languages") && j["languages"].is_object()) {
    for (const auto& [name, l] : j["languages"].items()) {
      auto& mine = s.languages[name];
      mine.compile_requests = l.value("compile_requests", uint64_t{0});
      mine.cache_hits = l.value("cache_hits", uint64_t{0});
      mine.cache_misses = l.value("cache_misses", uint64_t{0});
      mine.not_cached = l.value("not_cached", uint64_t{0});
      mine.not_compilation = l.value("not_compilation", uint64_t{0});
      mine.compile_failures = l.value("compile_failures", uint64_t{0});
      mine.compile_seconds = l.value("compile_seconds", 0.0);
      mine.saved_seconds = l.value("saved_seconds", 0.0);
    }
  }
  return s;
}

bool StatsStore::record(const StatsCounters& delta) const {
  // This process's shard first; when it cannot take the counts, any other shard can.
  const int first = static_cast<int>(::getpid() % kShards);
  int error = 0;
  for (int i = 0; i < kShards; ++i) {
    if (record_in_shard(dir_, (first + i) % kShards, delta, error)) return true;
  }
  spdlog::warn("the statistics of this call were lost: cannot write them in {}: {}; run larder doctor", dir_.string(),
               std::strerror(error));
  return false;
}

StatsCounters StatsStore::total() const {
  StatsCounters total;
  for (int shard = 0; shard < kShards; ++shard) {
    FileLock lock(lock_path(dir_, shard));
    total.add(read_shard(shard_path(dir_, shard)));
  }
  return total;
}

void StatsStore::reset() const {
  for (int shard = 0; shard < kShards; ++shard) {
    FileLock lock(lock_path(dir_, shard));
    std::error_code ec;
    std::filesystem::remove(shard_path(dir_, shard), ec);
  }
}

}  // namespace larder::cache
