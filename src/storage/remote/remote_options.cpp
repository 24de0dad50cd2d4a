#include "storage/remote/remote_options.hpp"

#include <charconv>
#include <thread>

#include "util/strings.hpp"

namespace larder::storage {

namespace {

// The duration attribute `name`, else `fallback`.
WithProblems<std::chrono::milliseconds> read_duration(const RemoteUrl& url, const char* name,
                                                      std::chrono::milliseconds fallback) {
  WithProblems<std::chrono::milliseconds> read{fallback, {}};
  if (auto text = url.attribute(name)) {
    auto value = parse_duration(*text);
    if (value && value->count() > 0)
      read.value = *value;
    else
      read.problems.push_back(std::string(name) + "='" + *text + "' is not a duration (e.g. 500ms, 5s)");
  }
  return read;
}

}  // namespace

WithProblems<RemoteOptions> read_remote_options(const RemoteUrl& url) {
  WithProblems<RemoteOptions> read;
  RemoteOptions& options = read.value;
  if (auto prefix = url.attribute("prefix")) options.prefix = *prefix;
  options.timeouts.io = read.take(read_duration(url, "timeout", options.timeouts.io));
  options.timeouts.connect = read.take(read_duration(url, "connect_timeout", options.timeouts.connect));
  if (auto text = url.attribute("retries")) {
    int value = -1;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error == std::errc() && end == text->data() + text->size() && value >= 0 && value <= 10)
      options.retries = value;
    else
      read.problems.push_back("retries='" + *text + "' is not a number from 0 to 10");
  }
  return read;
}

std::vector<std::string> remote_option_names() { return {"prefix", "timeout", "connect_timeout", "retries"}; }

WithProblems<TlsOptions> read_tls_options(const RemoteUrl& url, bool enabled) {
  WithProblems<TlsOptions> read;
  TlsOptions& tls = read.value;
  tls.enabled = enabled;
  if (auto ca = url.attribute("ca")) tls.ca_file = *ca;
  if (auto cert = url.attribute("cert")) tls.cert_file = *cert;
  if (auto key = url.attribute("key")) tls.key_file = *key;
  if (auto insecure = url.attribute("insecure")) tls.verify = !(insecure->empty() || is_truthy(*insecure));
  if (!enabled && (url.attribute("ca") || url.attribute("cert"))) {
    read.problems.push_back("ca/cert attributes are ignored without TLS (use the TLS scheme)");
  }
  return read;
}

std::vector<std::string> tls_option_names() { return {"ca", "cert", "key", "insecure"}; }

void retry_backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt - 1, 4)));
}

}  // namespace larder::storage
