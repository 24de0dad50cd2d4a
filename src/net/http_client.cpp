#include "net/http_client.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <random>
#include <thread>

#include "net/ca_bundle.hpp"
#include "util/strings.hpp"

namespace larder::net {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  Response response;
  std::string_view upload;
  size_t uploaded = 0;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->response.body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100-continue or a redirect): forget the previous headers.
    transfer->response.headers.clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response.headers[to_lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
  }
  return size * count;
}

size_t on_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = std::min(size * count, transfer->upload.size() - transfer->uploaded);
  std::copy_n(transfer->upload.data() + transfer->uploaded, n, buffer);
  transfer->uploaded += n;
  return n;
}

// Rewinding lets curl resend the body itself (e.g. after a connection reset on reuse).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > transfer->upload.size())
    return CURL_SEEKFUNC_FAIL;
  transfer->uploaded = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

}  // namespace

std::optional<std::string> Response::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string Response::summary() const { return transport_ok() ? "HTTP " + std::to_string(status) : error; }

bool default_retryable(const Response& response) {
  return !response.transport_ok() || response.status >= 500 || response.status == 429;
}

struct HttpClient::Impl {
  bool started = false;
  CURL* handle = nullptr;
  CaLocation ca;
  std::mt19937_64 random{std::random_device{}()};
};

HttpClient::HttpClient(ClientOptions options) : options_(options), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() {
  if (impl_->handle != nullptr) curl_easy_cleanup(impl_->handle);
}

Response HttpClient::send_once(const Request& original) {
  Request request = original;
  if (request.prepare) request.prepare(request);
  Transfer transfer;
  transfer.upload = request.body;
  transfer.response.attempts = 1;
  // libcurl and OpenSSL are set up at the first request, not when a storage is made: a
  // wrapper whose hit is local (after a prefetch) never pays for them, ~3 ms of CPU per call.
  if (!impl_->started) {
    impl_->started = true;
    global_init();
    impl_->handle = curl_easy_init();
    impl_->ca = find_ca_location();
  }
  CURL* curl = impl_->handle;
  if (curl == nullptr) {
    transfer.response.error = "libcurl could not be initialised";
    return transfer.response;
  }
  curl_easy_reset(curl);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.stall_bytes_per_second);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (impl_->ca.file) curl_easy_setopt(curl, CURLOPT_CAINFO, impl_->ca.file->c_str());
  if (impl_->ca.dir) curl_easy_setopt(curl, CURLOPT_CAPATH, impl_->ca.dir->c_str());

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    if (!request.body.empty() || request.method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_upload);
      curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* header_list = nullptr;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    has_content_type = has_content_type || to_lower(name) == "content-type";
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    header_list = curl_slist_append(header_list, line.c_str());
  }
  // No 100-continue round trip, and no form content type that curl would add to a POST.
  header_list = curl_slist_append(header_list, "Expect:");
  if (!has_content_type && request.method == "POST") header_list = curl_slist_append(header_list, "Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  if (code != CURLE_OK) {
    transfer.response.error = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code);
    transfer.response.status = 0;
    transfer.response.body.clear();
    return transfer.response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return transfer.response;
}

std::chrono::milliseconds HttpClient::backoff_delay(int attempt) {
  const auto cap =
      std::min<int64_t>(options_.backoff_max.count(), options_.backoff_base.count() << std::min(attempt, 16));
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(cap, 1));
  return std::chrono::milliseconds(pick(impl_->random));
}

Response HttpClient::send(const Request& request, const RetryPredicate& retryable) {
  Response response;
  const int attempts = std::max(1, options_.max_attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    response = send_once(request);
    response.attempts = attempt;
    // Only the method and URL: headers may carry credentials.
    spdlog::debug("http {} {}: {} (attempt {})", request.method, request.url, response.summary(), attempt);
    if (attempt == attempts || !retryable(response)) break;
    std::this_thread::sleep_for(backoff_delay(attempt));
  }
  return response;
}

}  // namespace larder::net
