#pragma once
// The one interface every cache backend implements. Backends store opaque blobs under names
// given by the cache layer and know nothing about rustc. Every fault is returned as a value:
// a backend never throws into the build.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace larder::storage {

enum class Outcome { Ok, NotFound, Error };

struct GetResult {
  Outcome outcome = Outcome::Error;
  std::string data;   // the blob, when Ok
  std::string error;  // one line for logs and stats, never a secret, when Error

  static GetResult found(std::string blob) { return {Outcome::Ok, std::move(blob), {}}; }
  static GetResult not_found() { return {Outcome::NotFound, {}, {}}; }
  static GetResult failure(std::string message) { return {Outcome::Error, {}, std::move(message)}; }
};

struct OpResult {
  bool ok = false;
  std::string error;

  static OpResult success() { return {true, {}}; }
  static OpResult failure(std::string message) { return {false, std::move(message)}; }
};

// One line of `larder doctor` output about a backend: a fact ("credentials: environment") or a
// check with its verdict and, when it failed, how to fix it.
struct DoctorLine {
  std::string label;
  std::string detail;
  bool ok = true;
  std::string fix;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // "local", "s3", "redis", "memcached", "http": the name used in stats.
  virtual std::string kind() const = 0;
  // Where the data lives, for humans (bucket/prefix, host:port, folder); no secrets.
  virtual std::string location() const = 0;

  // `name` is a cache object name such as "3fa9…c1.entry" (hex digest and a suffix).
  virtual GetResult get(const std::string& name) = 0;
  virtual OpResult put(const std::string& name, std::string_view blob) = 0;
  virtual OpResult remove(const std::string& name) = 0;

  // Facts and checks specific to this backend for `larder doctor` (credential source,
  // region, server version…). The generic write/read/delete probe is done by the caller.
  virtual std::vector<DoctorLine> diagnose() { return {}; }
};

using StoragePtr = std::unique_ptr<Storage>;

}  // namespace larder::storage
