// Settings values that users write: LARDER_REMOTE and its URLs with their attributes
// (storage/remote/), endpoint URLs (net/url.hpp, libcurl's URL API) and sizes (LARDER_CACHE_SIZE).
// A bad remote URL is an error value with a reason, never a throw; a bad attribute is a problem;
// a URL libcurl refuses comes with a reason.
#include <cstddef>
#include <cstdint>
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
    const auto parsed = storage::RemoteUrl::parse(url_text, 6379);
    if (!parsed) {
      FUZZ_CHECK(parsed.error().starts_with("not a valid URL ("));
      continue;
    }
    const storage::RemoteUrl& url = *parsed;
    for (const auto& host : url.hosts) {
      FUZZ_CHECK(!host.host.empty() && host.port != 0);
      (void)host.text();
    }
    (void)storage::read_remote_options(url);
    (void)storage::read_tls_options(url, true);
    (void)url.unknown_attributes(storage::remote_option_names());
  }
  (void)storage::parse_duration(text);
  if (auto url = net::parse_url(text)) {
    FUZZ_CHECK(!url->host.empty() && url->port >= 0 && url->port <= 65535 && url->path.starts_with('/'));
    (void)url->authority();
    (void)url->origin();
  } else {
    FUZZ_CHECK(!url.error().empty());
  }
  FUZZ_CHECK(net::percent_decode(net::percent_encode(text)) == text);
  (void)parse_size(text);
  return 0;
}
