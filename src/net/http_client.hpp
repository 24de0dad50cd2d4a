#pragma once
// A small, generic HTTP(S) client on libcurl for every network backend (S3, WebDAV, credential
// services). Faults are values: a transport failure is a Response with `error` set, never an
// exception. Timeouts keep a dead or stalled server from stalling a build, and retryable
// failures are retried with exponential backoff and full jitter.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace larder::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Request() = default;
  Request(std::string method_, std::string url_, std::string_view body_ = {})
      : method(std::move(method_)), url(std::move(url_)), body(body_) {}

  std::string method = "GET";
  std::string url;  // already percent-encoded
  Headers headers;
  std::string_view body;  // not owned: must outlive send()
  // Called on a copy of the request before every attempt, e.g. to sign it with a fresh date.
  std::function<void(Request&)> prepare;
};

struct Response {
  long status = 0;                             // 0 when no HTTP response arrived
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;  // transport failure (refused, timed out, reset, truncated); empty otherwise
  int attempts = 0;

  bool transport_ok() const { return error.empty(); }
  // A 2xx answer arrived.
  bool succeeded() const { return transport_ok() && status >= 200 && status < 300; }
  std::optional<std::string> header(const std::string& lower_case_name) const;
  // "HTTP 503" or the transport error: for messages.
  std::string summary() const;
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  // Aborts a transfer that moves less than `stall_bytes_per_second` for `stall_timeout`.
  std::chrono::seconds stall_timeout{4};
  long stall_bytes_per_second = 1;
  std::chrono::milliseconds total_timeout{120000};
  int max_attempts = 3;
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_max{2000};
  bool verify_tls = true;
};

// Whether a response is worth another attempt: transport errors, 5xx, 429 by default.
using RetryPredicate = std::function<bool(const Response&)>;
bool default_retryable(const Response& response);

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends with retries as `retryable` says; the last response is returned.
  Response send(const Request& request, const RetryPredicate& retryable = default_retryable);
  // One attempt, no retry.
  Response send_once(const Request& request);

  const ClientOptions& options() const { return options_; }

 private:
  std::chrono::milliseconds backoff_delay(int attempt);

  ClientOptions options_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace larder::net
