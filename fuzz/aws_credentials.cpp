// Credential answers: the JSON of the container and EC2 metadata endpoints, and the expiration
// times in them (aws/credential_provider.hpp, aws/environment.hpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/credential_provider.hpp"
#include "aws/environment.hpp"
#include "fuzz_support.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(fuzz::as_text(data, size));
  const aws::ProviderResult result = aws::parse_json_credentials(body, "fuzz");
  // Either credentials or a reason: a JSON answer is never "not configured".
  FUZZ_CHECK(result ? result->has_value() : !result.error().empty());
  (void)aws::parse_iso8601(body);
  return 0;
}
