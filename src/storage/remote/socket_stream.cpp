#include "storage/remote/socket_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace larder::storage {

namespace {

using Clock = std::chrono::steady_clock;

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "TLS handshake failed";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// OpenSSL writes with write(2), which raises SIGPIPE on a closed peer. larder must not ignore
// SIGPIPE process-wide (rustc inherits ignored signals), so it is blocked around TLS calls and
// a pending one is swallowed.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending_before_);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_);
  }
  ~SigpipeGuard() {
    if (!sigismember(&pending_before_, SIGPIPE)) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE)) {
        sigset_t pipe_set;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        const timespec zero{0, 0};
        sigtimedwait(&pipe_set, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_{};
  sigset_t pending_before_{};
};

}  // namespace

struct SocketStream::TlsState {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~TlsState() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

SocketStream::SocketStream() = default;
SocketStream::~SocketStream() { close(); }

void SocketStream::close() {
  if (tls_ && tls_->ssl && fd_ >= 0) {
    SigpipeGuard guard;
    SSL_shutdown(tls_->ssl);  // best effort, non-blocking socket
  }
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

NetError SocketStream::fail(NetError::Kind kind, std::string message) {
  close();
  return {kind, std::move(message)};
}

void SocketStream::begin_exchange() { deadline_ = Clock::now() + timeouts_.io; }

NetError SocketStream::wait(Ready wanted) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
  if (left <= 0) {
    return fail(NetError::Kind::Timeout,
                "no answer from " + peer_ + " within " + std::to_string(timeouts_.io.count()) + " ms");
  }
  pollfd pfd{fd_, static_cast<short>(wanted == Ready::ToWrite ? POLLOUT : POLLIN), 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, static_cast<int>(left));
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    return fail(NetError::Kind::Timeout,
                "no answer from " + peer_ + " within " + std::to_string(timeouts_.io.count()) + " ms");
  }
  if (ready < 0) return fail(NetError::Kind::Other, std::string("poll: ") + std::strerror(errno));
  return {};
}

NetError SocketStream::connect(const HostPort& endpoint, const NetTimeouts& timeouts, const TlsOptions& tls) {
  close();
  timeouts_ = timeouts;
  peer_ = endpoint.text();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return {NetError::Kind::Resolve, "cannot resolve host '" + endpoint.host + "': " + gai_strerror(rc)};
  }
  NetError last{NetError::Kind::Other, "no address for " + peer_};
  const auto connect_deadline = Clock::now() + timeouts.connect;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd_ = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd_ < 0) continue;
    int rc = ::connect(fd_, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      deadline_ = connect_deadline;
      if (auto waited = wait(Ready::ToWrite)) {
        last = {NetError::Kind::Timeout,
                "cannot connect to " + peer_ + " within " + std::to_string(timeouts.connect.count()) + " ms"};
        continue;  // wait() closed the socket
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len);
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc == 0) {
      int one = 1;
      ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      break;
    }
    last = {errno == ECONNREFUSED ? NetError::Kind::Refused : NetError::Kind::Other,
            errno == ECONNREFUSED ? "connection refused by " + peer_ + " (is the server running?)"
                                  : "cannot connect to " + peer_ + ": " + std::strerror(errno)};
    close();
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) return last;
  if (tls.enabled) {
    deadline_ = connect_deadline + timeouts.io;
    return start_tls(endpoint, tls);
  }
  return {};
}

NetError SocketStream::start_tls(const HostPort& endpoint, const TlsOptions& options) {
  tls_ = std::make_unique<TlsState>();
  tls_->ctx = SSL_CTX_new(TLS_client_method());
  if (!tls_->ctx) return fail(NetError::Kind::Tls, "TLS: " + openssl_error());
  SSL_CTX_set_min_proto_version(tls_->ctx, TLS1_2_VERSION);
  if (options.verify) {
    SSL_CTX_set_verify(tls_->ctx, SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.ca_file.empty()
                            ? SSL_CTX_set_default_verify_paths(tls_->ctx) == 1
                            : SSL_CTX_load_verify_locations(tls_->ctx, options.ca_file.c_str(), nullptr) == 1;
    if (!loaded) return fail(NetError::Kind::Tls, "TLS: cannot load CA file '" + options.ca_file + "'");
  }
  if (!options.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(tls_->ctx, options.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_->ctx,
                                    (options.key_file.empty() ? options.cert_file : options.key_file).c_str(),
                                    SSL_FILETYPE_PEM) != 1) {
      return fail(NetError::Kind::Tls, "TLS: cannot load client certificate '" + options.cert_file + "' or its key");
    }
  }
  tls_->ssl = SSL_new(tls_->ctx);
  SSL_set_fd(tls_->ssl, fd_);
  SSL_set_tlsext_host_name(tls_->ssl, endpoint.host.c_str());
  if (options.verify) {
    // A host name is checked as a DNS name, an address as an IP SAN.
    in6_addr scratch;
    const bool is_ip = inet_pton(AF_INET, endpoint.host.c_str(), &scratch) == 1 ||
                       inet_pton(AF_INET6, endpoint.host.c_str(), &scratch) == 1;
    X509_VERIFY_PARAM* param = SSL_get0_param(tls_->ssl);
    if (is_ip)
      X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
    else
      SSL_set1_host(tls_->ssl, endpoint.host.c_str());
  }
  SigpipeGuard guard;
  while (true) {
    ERR_clear_error();
    const int rc = SSL_connect(tls_->ssl);
    if (rc == 1) return {};
    const int error = SSL_get_error(tls_->ssl, rc);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (auto waited = wait(error == SSL_ERROR_WANT_WRITE ? Ready::ToWrite : Ready::ToRead)) return waited;
      continue;
    }
    const long verify = SSL_get_verify_result(tls_->ssl);
    if (verify != X509_V_OK) {
      return fail(NetError::Kind::Tls,
                  "TLS: certificate of " + peer_ + " not trusted: " + X509_verify_cert_error_string(verify));
    }
    return fail(NetError::Kind::Tls,
                "TLS handshake with " + peer_ + " failed: " + openssl_error() + " (is it a TLS port?)");
  }
}

NetError SocketStream::write_all(std::string_view data) {
  if (fd_ < 0) return {NetError::Kind::Closed, "not connected"};
  while (!data.empty()) {
    ssize_t sent;
    if (tls_) {
      SigpipeGuard guard;
      ERR_clear_error();
      const int rc = SSL_write(tls_->ssl, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
      if (rc <= 0) {
        const int error = SSL_get_error(tls_->ssl, rc);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
          if (auto waited = wait(error == SSL_ERROR_WANT_WRITE ? Ready::ToWrite : Ready::ToRead)) return waited;
          continue;
        }
        return fail(NetError::Kind::Closed, "connection to " + peer_ + " lost while writing");
      }
      sent = rc;
    } else {
      sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          if (auto waited = wait(Ready::ToWrite)) return waited;
          continue;
        }
        return fail(NetError::Kind::Closed, "connection to " + peer_ + " lost while writing: " + std::strerror(errno));
      }
    }
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return {};
}

NetError SocketStream::read_some(std::string& buffer) {
  if (fd_ < 0) return {NetError::Kind::Closed, "not connected"};
  char chunk[65536];
  while (true) {
    ssize_t got;
    if (tls_) {
      SigpipeGuard guard;
      ERR_clear_error();
      const int rc = SSL_read(tls_->ssl, chunk, sizeof chunk);
      if (rc <= 0) {
        const int error = SSL_get_error(tls_->ssl, rc);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
          if (auto waited = wait(error == SSL_ERROR_WANT_WRITE ? Ready::ToWrite : Ready::ToRead)) return waited;
          continue;
        }
        return fail(NetError::Kind::Closed, "connection closed by " + peer_);
      }
      got = rc;
    } else {
      got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          if (auto waited = wait(Ready::ToRead)) return waited;
          continue;
        }
        return fail(NetError::Kind::Closed, "connection to " + peer_ + " lost: " + std::strerror(errno));
      }
      if (got == 0) return fail(NetError::Kind::Closed, "connection closed by " + peer_);
    }
    buffer.append(chunk, static_cast<size_t>(got));
    return {};
  }
}

}  // namespace larder::storage
