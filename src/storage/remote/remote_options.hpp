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
#include "storage/remote/socket_stream.hpp"

namespace larder::storage {

struct RemoteOptions {
  std::string prefix = "larder/";
  NetTimeouts timeouts;
  int retries = 2;
};

// Reads the common attributes; a malformed value keeps its default and is described in `problems`.
RemoteOptions read_remote_options(const RemoteUrl& url, std::vector<std::string>& problems);
// The names read_remote_options() knows, for RemoteUrl::unknown_attributes().
std::vector<std::string> remote_option_names();

// Reads attributes `names` as a TLS configuration: ca, cert, key, insecure.
TlsOptions read_tls_options(const RemoteUrl& url, bool enabled, std::vector<std::string>& problems);
std::vector<std::string> tls_option_names();

// Sleeps before retry number `attempt` (1, 2, …): 50 ms, 100 ms, 200 ms…
void retry_backoff(int attempt);

}  // namespace larder::storage

namespace larder::storage {

// Runs `exchange` on `connection`, opening it first when needed, and tries again after a
// transient fault (a refused or lost connection) up to `retries` times. A connection that
// cannot be opened marks the server `down` for the rest of this process, so that a dead
// server costs one connect timeout per wrapper call, not one per object.
template <class Connection, class Exchange>
NetError with_retries(Connection& connection, int retries, std::optional<NetError>& down, Exchange&& exchange) {
  if (down) return *down;
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) retry_backoff(attempt);
    if (!connection.connected()) {
      NetError opened = connection.open();
      if (opened) {
        if (opened.kind == NetError::Kind::Refused && attempt < retries) continue;
        down = opened;
        return opened;
      }
    }
    NetError error = exchange();
    if (!error || !error.transient() || attempt >= retries) return error;
  }
}

}  // namespace larder::storage
