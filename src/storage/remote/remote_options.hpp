#pragma once
// Attributes every socket and HTTP backend understands, read from its URL:
//   prefix=NAME/        key prefix (default "larder/")
//   timeout=5s          bound on one request and its answer
//   connect_timeout=2s  bound on opening a connection
//   retries=2           extra tries after a transient fault (lost connection, refused, 5xx)
#include <optional>
#include <string>
#include <vector>

#include "storage/remote/remote_url.hpp"
#include "storage/remote/server_health.hpp"
#include "storage/remote/socket_stream.hpp"
#include "storage/storage.hpp"
#include "util/expected.hpp"
#include "util/with_problems.hpp"

namespace larder::storage {

struct RemoteOptions {
  std::string prefix = "larder/";
  NetTimeouts timeouts;
  int retries = 2;
};

// Reads the common attributes; a malformed value keeps its default and is a problem beside the
// options (a bad attribute never makes a remote unusable).
WithProblems<RemoteOptions> read_remote_options(const RemoteUrl& url);
// The names read_remote_options() knows, for RemoteUrl::unknown_attributes().
std::vector<std::string> remote_option_names();

// Reads attributes `names` as a TLS configuration: ca, cert, key, insecure.
WithProblems<TlsOptions> read_tls_options(const RemoteUrl& url, bool enabled);
std::vector<std::string> tls_option_names();

// What a backend's factory (RedisStorage::create, …) makes of its URL: the storage, with the
// attributes it set aside as problems, or why the URL cannot be used at all.
using MadeStorage = Expected<WithProblems<StoragePtr>>;

// Sleeps before retry number `attempt` (1, 2, …): 50 ms, 100 ms, 200 ms…
void retry_backoff(int attempt);

}  // namespace larder::storage

namespace larder::storage {

// Runs `exchange` on `connection`, opening it first when needed, and tries again after a
// transient fault (a refused or lost connection) up to `retries` times. A server that cannot be
// reached or does not answer in time is marked in `health`, so that it costs one timeout, not
// one per object and per crate.
template <class Connection, class Exchange>
NetError with_retries(Connection& connection, int retries, ServerHealth& health, Exchange&& exchange) {
  if (auto down = health.unavailable()) return *down;
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) retry_backoff(attempt);
    if (!connection.connected()) {
      NetError opened = connection.open();
      if (opened) {
        if (opened.kind == NetError::Kind::Refused && attempt < retries) continue;
        health.failed(opened);
        return opened;
      }
      health.answered();
    }
    NetError error = exchange();
    if (error.kind == NetError::Kind::Timeout) health.failed(error);
    if (!error || !error.transient() || attempt >= retries) return error;
  }
}

}  // namespace larder::storage
