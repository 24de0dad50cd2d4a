#pragma once
// memcached backend: memcached://host[:port][,host[:port]…][?prefix=…&expire=…&chunk_size=…].
// Keys are spread over the servers by rendezvous hashing (adding a server moves only its share).
// Objects above chunk_size (default 1000 KiB, under memcached's 1 MiB item limit) are stored as
// chunks plus a small head item that names them; the chunks carry a per-write id, so that two
// concurrent writers never mix their chunks, and a missing chunk is a miss.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "storage/memcached/memcached_connection.hpp"
#include "storage/remote/remote_options.hpp"
#include "storage/storage.hpp"

namespace larder::storage {

class MemcachedStorage : public Storage {
 public:
  // The backend for `url`, or why it cannot be one (a prefix memcached cannot have in a key).
  static MadeStorage create(const RemoteUrl& url, const std::filesystem::path& state_dir);

  std::string kind() const override { return "memcached"; }
  std::string location() const override { return location_; }
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;
  std::vector<DoctorLine> diagnose() override;

 private:
  explicit MemcachedStorage(RemoteOptions options) : options_(std::move(options)) {}
  struct Server {
    MemcachedConnection connection;
    ServerHealth health;
  };
  Server& server_for(const std::string& key);
  GetResult get_item(const std::string& key, uint32_t& flags);
  OpResult set_item(const std::string& key, uint32_t flags, std::string_view data);
  uint32_t exptime() const;

  RemoteOptions options_;
  std::vector<std::unique_ptr<Server>> servers_;
  std::chrono::seconds expire_{0};
  size_t chunk_size_ = 1000 * 1024;
  std::string location_;
};

}  // namespace larder::storage
