// Settings values that users write: LARDER_REMOTE and its URLs with their attributes
// (storage/remote/), endpoint URLs (net/url.hpp, libcurl's URL API) and sizes (LARDER_CACHE_SIZE).
// A bad remote URL throws std::invalid_argument, nothing else; a bad attribute is a problem, not
// a throw; a URL libcurl refuses comes with a reason.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "net/url.hpp"
#include "storage/remote/remote_options.hpp"
#include "storage/remote/remote_url.hpp"
#include "util/strings.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  for (const auto& url_text : storage::split_remote_urls(text)) {
    try {
      const storage::RemoteUrl url = storage::RemoteUrl::parse(url_text, 6379);
      for (const auto& host : url.hosts) {
        FUZZ_CHECK(!host.host.empty() && host.port != 0);
        (void)host.text();
      }
      std::vector<std::string> problems;
      (void)storage::read_remote_options(url, problems);
      (void)storage::read_tls_options(url, true, problems);
      (void)url.unknown_attributes(storage::remote_option_names());
    } catch (const std::invalid_argument&) {}
  }
  (void)storage::parse_duration(text);
  std::string error;
  if (auto url = net::parse_url(text, &error)) {
    FUZZ_CHECK(!url->host.empty() && url->port >= 0 && url->port <= 65535 && url->path.starts_with('/'));
    (void)url->authority();
    (void)url->origin();
  } else {
    FUZZ_CHECK(!error.empty());
  }
  FUZZ_CHECK(net::percent_decode(net::percent_encode(text)) == text);
  (void)parse_size(text);
  return 0;
}
