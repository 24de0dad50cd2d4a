#include "storage/remote/remote_options.hpp"

#include <charconv>
#include <thread>

#include "util/strings.hpp"

namespace larder::storage {

namespace {

void read_duration(const RemoteUrl& url, const char* name, std::chrono::milliseconds& target,
                   std::vector<std::string>& problems) {
  if (auto text = url.attribute(name)) {
    auto value = parse_duration(*text);
    if (value && value->count() > 0)
      target = *value;
    else
      problems.push_back(std::string(name) + "='" + *text + "' is not a duration (e.g. 500ms, 5s)");
  }
}

}  // namespace

RemoteOptions read_remote_options(const RemoteUrl& url, std::vector<std::string>& problems) {
  RemoteOptions options;
  if (auto prefix = url.attribute("prefix")) options.prefix = *prefix;
  read_duration(url, "timeout", options.timeouts.io, problems);
  read_duration(url, "connect_timeout", options.timeouts.connect, problems);
  if (auto text = url.attribute("retries")) {
    int value = -1;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error == std::errc() && end == text->data() + text->size() && value >= 0 && value <= 10)
      options.retries = value;
    else
      problems.push_back("retries='" + *text + "' is not a number from 0 to 10");
  }
  return options;
}

std::vector<std::string> remote_option_names() { return {"prefix", "timeout", "connect_timeout", "retries"}; }

TlsOptions read_tls_options(const RemoteUrl& url, bool enabled, std::vector<std::string>& problems) {
  TlsOptions tls;
  tls.enabled = enabled;
  if (auto ca = url.attribute("ca")) tls.ca_file = *ca;
  if (auto cert = url.attribute("cert")) tls.cert_file = *cert;
  if (auto key = url.attribute("key")) tls.key_file = *key;
  if (auto insecure = url.attribute("insecure")) tls.verify = !(insecure->empty() || is_truthy(*insecure));
  if (!enabled && (url.attribute("ca") || url.attribute("cert"))) {
    problems.push_back("ca/cert attributes are ignored without TLS (use the TLS scheme)");
  }
  return tls;
}

std::vector<std::string> tls_option_names() { return {"ca", "cert", "key", "insecure"}; }

void retry_backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt - 1, 4)));
}

}  // namespace larder::storage
