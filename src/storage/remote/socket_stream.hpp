#pragma once
// A blocking-style TCP connection with deadlines, optionally wrapped in TLS (OpenSSL), for the
// backends that speak their own protocol (Redis, memcached). Every call is bounded by a timeout
// so that a dead or silent server costs seconds, never a stalled build. Faults are values.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "storage/remote/remote_url.hpp"

namespace larder::storage {

struct NetError {
  enum class Kind { None, Resolve, Refused, Timeout, Closed, Tls, Other };
  Kind kind = Kind::None;
  std::string message;  // one line, no secrets

  explicit operator bool() const { return kind != Kind::None; }
  // A fault that a fresh connection may not have: worth one more try.
  bool transient() const { return kind == Kind::Closed; }
  static NetError none() { return {}; }
};

struct TlsOptions {
  bool enabled = false;
  bool verify = true;     // check the server's certificate and host name
  std::string ca_file;    // else the system's trust store
  std::string cert_file;  // client certificate (servers with tls-auth-clients)
  std::string key_file;
};

struct NetTimeouts {
  std::chrono::milliseconds connect{2000};
  std::chrono::milliseconds io{5000};  // for one whole request/answer exchange
};

class SocketStream {
 public:
  SocketStream();
  ~SocketStream();
  SocketStream(const SocketStream&) = delete;
  SocketStream& operator=(const SocketStream&) = delete;

  NetError connect(const HostPort& endpoint, const NetTimeouts& timeouts, const TlsOptions& tls);
  bool connected() const { return fd_ >= 0; }
  void close();

  // Starts the deadline for one exchange: the writes and reads until the next call.
  void begin_exchange();
  NetError write_all(std::string_view data);
  // Appends at least one byte to `buffer`.
  NetError read_some(std::string& buffer);

 private:
  NetError fail(NetError::Kind kind, std::string message);
  enum class Ready { ToRead, ToWrite };
  // Waits until the socket is ready to read or to write before the deadline.
  NetError wait(Ready ready);
  NetError start_tls(const HostPort& endpoint, const TlsOptions& tls);

  int fd_ = -1;
  struct TlsState;
  std::unique_ptr<TlsState> tls_;
  std::string peer_;
  NetTimeouts timeouts_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace larder::storage
