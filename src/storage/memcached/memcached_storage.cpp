#include "storage/memcached/memcached_storage.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <random>

#include "storage/memcached/chunk_head.hpp"
#include "util/strings.hpp"

namespace larder::storage {

namespace {

// Flags of a head item whose value names chunks: "<write-id> <chunks> <total bytes>".
constexpr uint32_t kChunkedFlag = 0x4c430001;             // "LC" + format 1
constexpr size_t kMaxKeyLength = 250;                     // memcached's limit
constexpr int64_t kRelativeExpiryLimit = 30 * 24 * 3600;  // longer exptimes are absolute times

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

std::string random_write_id() {
  std::random_device device;
  std::uniform_int_distribution<uint64_t> dist;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(dist(device)));
  return text;
}

bool valid_key_text(std::string_view text) {
  for (unsigned char c : text) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

MadeStorage MemcachedStorage::create(const RemoteUrl& url, const std::filesystem::path& state_dir) {
  WithProblems<StoragePtr> made;
  std::unique_ptr<MemcachedStorage> storage(new MemcachedStorage(made.take(read_remote_options(url))));
  const RemoteOptions& options = storage->options_;
  auto& problems = made.problems;
  if (!url.path.empty() && url.path != "/") problems.push_back("memcached: the URL path is ignored (use ?prefix=)");
  if (url.user) problems.push_back("memcached: user-info is ignored (the text protocol has no authentication)");
  if (!valid_key_text(options.prefix) || options.prefix.size() > 150) {
    return unexpected("memcached prefix must be at most 150 characters without spaces or control characters");
  }
  if (auto text = url.attribute("expire") ? url.attribute("expire") : url.attribute("ttl")) {
    auto value = parse_duration(*text);
    if (value)
      storage->expire_ = std::chrono::duration_cast<std::chrono::seconds>(*value);
    else
      problems.push_back("memcached expire='" + *text + "' is not a duration (e.g. 7d, 12h, 3600)");
  }
  if (auto text = url.attribute("chunk_size")) {
    auto size = parse_size(*text);
    if (size && *size >= 1024 && *size <= 1024ULL * 1024 * 1024)
      storage->chunk_size_ = static_cast<size_t>(*size);
    else
      problems.push_back("memcached chunk_size='" + *text + "' must be a size from 1K to 1G (e.g. 1000K)");
  }
  auto known = remote_option_names();
  for (const char* name : {"expire", "ttl", "chunk_size"}) known.emplace_back(name);
  for (const auto& name : url.unknown_attributes(known))
    problems.push_back("memcached: unknown attribute '" + name + "'");

  std::string& location = storage->location_;
  location = "memcached://";
  for (size_t i = 0; i < url.hosts.size(); ++i) {
    storage->servers_.emplace_back(new Server{MemcachedConnection(url.hosts[i], options.timeouts),
                                              ServerHealth(state_dir, "memcached://" + url.hosts[i].text())});
    if (i > 0) location += ",";
    location += url.hosts[i].text();
  }
  location += "/" + options.prefix;
  made.value = std::move(storage);
  return made;
}

MemcachedStorage::Server& MemcachedStorage::server_for(const std::string& key) {
  // Rendezvous hashing: the server with the highest hash of (server, key) owns the key.
  Server* best = servers_.front().get();
  uint64_t best_score = 0;
  for (auto& server : servers_) {
    const uint64_t score = fnv1a(server->connection.server().text() + "/" + key);
    if (score >= best_score) {
      best_score = score;
      best = server.get();
    }
  }
  return *best;
}

uint32_t MemcachedStorage::exptime() const {
  const int64_t seconds = expire_.count();
  if (seconds <= 0) return 0;
  if (seconds <= kRelativeExpiryLimit) return static_cast<uint32_t>(seconds);
  return static_cast<uint32_t>(std::time(nullptr) + seconds);
}

GetResult MemcachedStorage::get_item(const std::string& key, uint32_t& flags) {
  Server& server = server_for(key);
  std::optional<MemcachedItem> item;
  std::string refusal;
  NetError error = with_retries(server.connection, options_.retries, server.health,
                                [&] { return server.connection.get(key, item, refusal); });
  if (error) return GetResult::failure(error.message);
  if (!refusal.empty()) return GetResult::failure(explain_memcached_refusal(refusal));
  if (!item) return GetResult::not_found();
  flags = item->flags;
  return GetResult::found(std::move(item->data));
}

OpResult MemcachedStorage::set_item(const std::string& key, uint32_t flags, std::string_view data) {
  Server& server = server_for(key);
  std::string refusal;
  NetError error = with_retries(server.connection, options_.retries, server.health,
                                [&] { return server.connection.set(key, flags, exptime(), data, refusal); });
  if (error) return OpResult::failure(error.message);
  if (!refusal.empty()) return OpResult::failure(explain_memcached_refusal(refusal));
  return OpResult::success();
}

GetResult MemcachedStorage::get(const std::string& name) {
  const std::string key = options_.prefix + name;
  if (key.size() > kMaxKeyLength - 40) return GetResult::failure("object name too long for a memcached key");
  uint32_t flags = 0;
  GetResult head = get_item(key, flags);
  if (head.outcome != Outcome::Ok || flags != kChunkedFlag) return head;

  const auto chunked = parse_chunk_head(head.data);
  if (!chunked) return GetResult::failure("malformed chunk head in memcached for " + name);
  // No room reserved from the head's total: it is the server's word, the chunks are real bytes.
  std::string blob;
  for (size_t i = 0; i < chunked->chunks; ++i) {
    uint32_t chunk_flags = 0;
    GetResult chunk = get_item(key + ":" + chunked->write_id + ":" + std::to_string(i), chunk_flags);
    if (chunk.outcome != Outcome::Ok) return chunk;  // an evicted chunk makes the object a miss
    blob += chunk.data;
    if (blob.size() > chunked->total) return GetResult::not_found();
  }
  if (blob.size() != chunked->total) return GetResult::not_found();
  return GetResult::found(std::move(blob));
}

OpResult MemcachedStorage::put(const std::string& name, std::string_view blob) {
  const std::string key = options_.prefix + name;
  if (key.size() > kMaxKeyLength - 40) return OpResult::failure("object name too long for a memcached key");
  if (blob.size() <= chunk_size_) return set_item(key, 0, blob);
  // Chunks first, the head last: a reader never sees a head whose chunks were not written.
  const std::string write_id = random_write_id();
  const size_t chunks = (blob.size() + chunk_size_ - 1) / chunk_size_;
  for (size_t i = 0; i < chunks; ++i) {
    auto stored =
        set_item(key + ":" + write_id + ":" + std::to_string(i), 0, blob.substr(i * chunk_size_, chunk_size_));
    if (!stored.ok) return stored;
  }
  return set_item(key, kChunkedFlag, format_chunk_head({write_id, chunks, blob.size()}));
}

OpResult MemcachedStorage::remove(const std::string& name) {
  // Only the head: orphaned chunks are unreachable and memcached evicts or expires them.
  const std::string key = options_.prefix + name;
  Server& server = server_for(key);
  std::string refusal;
  NetError error = with_retries(server.connection, options_.retries, server.health,
                                [&] { return server.connection.remove(key, refusal); });
  if (error) return OpResult::failure(error.message);
  if (!refusal.empty()) return OpResult::failure(explain_memcached_refusal(refusal));
  return OpResult::success();
}

std::vector<DoctorLine> MemcachedStorage::diagnose() {
  std::vector<DoctorLine> lines;
  lines.push_back({"key prefix", "'" + options_.prefix + "'", true, ""});
  lines.push_back(
      {"expiration", expire_.count() ? std::to_string(expire_.count()) + " s" : "none (LRU eviction)", true, ""});
  lines.push_back({"chunk size", format_size(chunk_size_) + " (larger objects are split)", true, ""});
  for (auto& server : servers_) {
    auto& connection = server->connection;
    server->health.reset();
    const std::string label = "server " + connection.server().text();
    std::string version;
    NetError error =
        with_retries(connection, options_.retries, server->health, [&] { return connection.version(version); });
    if (error) {
      lines.push_back({label, error.message, false,
                       error.kind == NetError::Kind::Refused ? "start memcached or correct host:port in LARDER_REMOTE"
                                                             : "check the host and port of the memcached URL"});
      continue;
    }
    std::map<std::string, std::string> settings, stats;
    connection.stats("stats settings", settings);
    connection.stats("stats", stats);
    std::string detail = "memcached " + version;
    if (stats.count("limit_maxbytes")) detail += ", memory " + format_size(std::stoull(stats["limit_maxbytes"]));
    if (stats.count("bytes")) detail += ", used " + format_size(std::stoull(stats["bytes"]));
    if (stats.count("evictions")) detail += ", evictions " + stats["evictions"];
    lines.push_back({label, detail, true, ""});
    if (settings.count("item_size_max")) {
      const uint64_t item_max = std::stoull(settings["item_size_max"]);
      const bool fits = chunk_size_ + kMaxKeyLength + 64 <= item_max;
      lines.push_back({"item size limit", format_size(item_max) + " on " + connection.server().text(), fits,
                       "chunk_size is above the server's -I limit: add ?chunk_size=" +
                           std::to_string(item_max * 9 / 10 / 1024) + "K to the URL"});
    }
  }
  return lines;
}

}  // namespace larder::storage
