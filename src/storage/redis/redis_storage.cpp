#include "storage/redis/redis_storage.hpp"

#include <charconv>

namespace larder::storage {

namespace {

// The server and how to talk to it, but for TLS.
Expected<RedisEndpoint> endpoint_from(const RemoteUrl& url, const RemoteOptions& options) {
  if (url.hosts.size() != 1) return unexpected("a redis URL names one host (use a chain for several)");
  RedisEndpoint endpoint;
  endpoint.address = url.hosts.front();
  endpoint.user = url.user;
  endpoint.password = url.password;
  if (url.user && !url.password) {
    // redis://secret@host is read as a password, as redis-cli -u does.
    endpoint.password = url.user;
    endpoint.user.reset();
  }
  const std::string db = url.path.empty() ? "" : url.path.substr(1);
  if (!db.empty()) {
    auto [end, error] = std::from_chars(db.data(), db.data() + db.size(), endpoint.database);
    if (error != std::errc() || end != db.data() + db.size() || endpoint.database < 0) {
      return unexpected("the path of a redis URL is a database number, not '" + url.path + "'");
    }
  }
  endpoint.timeouts = options.timeouts;
  return endpoint;
}

// Reads "key:value" lines of an INFO reply.
std::optional<std::string> info_field(const std::string& info, const std::string& key) {
  const std::string needle = key + ":";
  size_t pos = 0;
  while ((pos = info.find(needle, pos)) != std::string::npos) {
    if (pos == 0 || info[pos - 1] == '\n') {
      const size_t start = pos + needle.size();
      const size_t end = info.find_first_of("\r\n", start);
      return info.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    pos += needle.size();
  }
  return std::nullopt;
}

}  // namespace

RedisStorage::RedisStorage(RemoteOptions options, RedisEndpoint endpoint, ServerHealth health)
    : options_(std::move(options)), connection_(std::move(endpoint)), health_(std::move(health)) {}

MadeStorage RedisStorage::create(const RemoteUrl& url, const std::filesystem::path& state_dir) {
  WithProblems<StoragePtr> made;
  RemoteOptions options = made.take(read_remote_options(url));
  auto endpoint = endpoint_from(url, options);
  if (!endpoint) return unexpected(std::move(endpoint).error());
  endpoint->tls = made.take(read_tls_options(url, url.scheme == "rediss"));
  std::unique_ptr<RedisStorage> storage(
      new RedisStorage(std::move(options), std::move(*endpoint),
                       ServerHealth(state_dir, url.scheme + "://" + url.hosts.front().text())));
  if (auto ttl = url.attribute("ttl")) {
    auto value = parse_duration(*ttl);
    if (value && value->count() > 0)
      storage->ttl_ = value;
    else if (!value)
      made.problems.push_back("redis ttl='" + *ttl + "' is not a duration (e.g. 7d, 12h, 3600)");
  }
  auto known = remote_option_names();
  known.push_back("ttl");
  for (auto& name : tls_option_names()) known.push_back(name);
  for (const auto& name : url.unknown_attributes(known))
    made.problems.push_back("redis: unknown attribute '" + name + "'");
  storage->location_ = url.scheme + "://" + url.hosts.front().text() + (url.path.empty() ? "/0" : url.path) + "/" +
                       storage->options_.prefix;
  made.value = std::move(storage);
  return made;
}

NetError RedisStorage::run(const std::vector<std::string_view>& args, RedisReply& reply) {
  return with_retries(connection_, options_.retries, health_, [&] { return connection_.command(args, reply); });
}

GetResult RedisStorage::get(const std::string& name) {
  const std::string key = options_.prefix + name;
  RedisReply reply;
  NetError error;
  if (ttl_ && getex_supported_) {
    const std::string ms = std::to_string(ttl_->count());
    error = run({"GETEX", key, "PX", ms}, reply);
    if (!error && reply.is_error() && reply.text.find("unknown command") != std::string::npos) {
      getex_supported_ = false;  // Redis before 6.2: no renewal on hits
    }
  }
  if (!ttl_ || !getex_supported_) error = run({"GET", key}, reply);
  if (error) return GetResult::failure(error.message);
  if (reply.type == RedisReply::Type::String) return GetResult::found(std::move(reply.text));
  if (reply.type == RedisReply::Type::Nil) return GetResult::not_found();
  return GetResult::failure(reply.is_error() ? explain_redis_error(reply.text) : "unexpected reply to GET");
}

OpResult RedisStorage::put(const std::string& name, std::string_view blob) {
  const std::string key = options_.prefix + name;
  RedisReply reply;
  NetError error;
  if (ttl_) {
    const std::string ms = std::to_string(ttl_->count());
    error = run({"SET", key, blob, "PX", ms}, reply);
  } else {
    error = run({"SET", key, blob}, reply);
  }
  if (error) return OpResult::failure(error.message);
  if (reply.is_error()) return OpResult::failure(explain_redis_error(reply.text));
  return OpResult::success();
}

OpResult RedisStorage::remove(const std::string& name) {
  const std::string key = options_.prefix + name;
  RedisReply reply;
  if (auto error = run({"DEL", key}, reply)) return OpResult::failure(error.message);
  if (reply.is_error()) return OpResult::failure(explain_redis_error(reply.text));
  return OpResult::success();
}

std::vector<DoctorLine> RedisStorage::diagnose() {
  std::vector<DoctorLine> lines;
  lines.push_back({"key prefix", "'" + options_.prefix + "'", true, ""});
  lines.push_back({"ttl",
                   ttl_ ? std::to_string(ttl_->count() / 1000) + " s, renewed on hits"
                        : "none (the server's eviction policy decides)",
                   true, ""});
  health_.reset();
  RedisReply reply;
  if (auto error = run({"PING"}, reply)) {
    const bool refused = error.kind == NetError::Kind::Refused;
    lines.push_back({"connect", error.message, false,
                     refused ? "start redis-server or correct host:port in LARDER_REMOTE"
                             : "check the host, port, password and TLS settings of the redis URL"});
    return lines;
  }
  if (reply.is_error()) {
    lines.push_back(
        {"connect", explain_redis_error(reply.text), false, "correct the password or user in the redis URL"});
    return lines;
  }
  lines.push_back({"connect", "PING answered", true, ""});
  if (!run({"INFO", "server"}, reply) && reply.type == RedisReply::Type::String) {
    lines.push_back({"server", "redis " + info_field(reply.text, "redis_version").value_or("?"), true, ""});
  }
  if (!run({"INFO", "memory"}, reply) && reply.type == RedisReply::Type::String) {
    const std::string max = info_field(reply.text, "maxmemory").value_or("0");
    const std::string policy = info_field(reply.text, "maxmemory_policy").value_or("?");
    const std::string used = info_field(reply.text, "used_memory_human").value_or("?");
    const bool fills_up = max != "0" && policy == "noeviction" && !ttl_;
    lines.push_back(
        {"memory", "used " + used + ", maxmemory " + (max == "0" ? "unlimited" : max + " bytes") + ", policy " + policy,
         !fills_up,
         "with noeviction, writes fail once maxmemory is reached: set maxmemory-policy allkeys-lru "
         "or add ?ttl=7d to the URL"});
  }
  return lines;
}

}  // namespace larder::storage
