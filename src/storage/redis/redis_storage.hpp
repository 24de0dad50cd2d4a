#pragma once
// Redis backend: redis://[user:password@]host[:port][/db][?prefix=…&ttl=…] and rediss:// (TLS).
// Objects are plain string values under prefix+name. With a ttl, a hit renews the object's
// lifetime (GETEX), so that objects in use stay and the rest expire.
#include <chrono>
#include <filesystem>
#include <optional>

#include "storage/redis/redis_connection.hpp"
#include "storage/remote/remote_options.hpp"
#include "storage/storage.hpp"

namespace larder::storage {

class RedisStorage : public Storage {
 public:
  // The backend for `url`, or why it cannot be one (several hosts, a path that is no database
  // number). `state_dir` keeps the cross-process memory of an unreachable server (see
  // ServerHealth).
  static MadeStorage create(const RemoteUrl& url, const std::filesystem::path& state_dir);

  std::string kind() const override { return "redis"; }
  std::string location() const override { return location_; }
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;
  std::vector<DoctorLine> diagnose() override;

 private:
  RedisStorage(RemoteOptions options, RedisEndpoint endpoint, ServerHealth health);
  NetError run(const std::vector<std::string_view>& args, RedisReply& reply);

  RemoteOptions options_;
  std::optional<std::chrono::milliseconds> ttl_;
  RedisConnection connection_;
  ServerHealth health_;
  bool getex_supported_ = true;
  std::string location_;
};

}  // namespace larder::storage
