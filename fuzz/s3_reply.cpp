// The XML bodies of S3 and STS answers (aws/xml_text.hpp, storage/s3/s3_errors.hpp): what a
// server, a proxy or anything on the way answers. The first byte picks the HTTP status.
#include <cstddef>
#include <cstdint>

#include "aws/xml_text.hpp"
#include "fuzz_support.hpp"
#include "storage/s3/s3_errors.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr long kStatuses[] = {200, 301, 400, 403, 404, 409, 429, 500, 503};
  net::Response response;
  response.status = kStatuses[data[0] % std::size(kStatuses)];
  response.body = std::string(fuzz::as_text(data + 1, size - 1));
  response.attempts = 1;
  if (data[0] & 0x80) response.headers["x-amz-bucket-region"] = "eu-west-1";

  // S3 error documents.
  storage::s3::ErrorContext context{"GET", "bucket", "larder/", "us-east-1", "https://s3.example", "environment"};
  FUZZ_CHECK(!storage::s3::error_code(response).empty());
  (void)storage::s3::region_hint(response);
  (void)storage::s3::s3_retryable(response);
  FUZZ_CHECK(!storage::s3::explain(response, context).empty());
  context.credentials_source.clear();
  context.operation = "HEAD bucket";
  (void)storage::s3::explain(response, context);

  // STS AssumeRoleWithWebIdentity answers (aws/web_identity_credentials.cpp reads these tags).
  for (const char* tag : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Code", "Message"}) {
    if (auto text = aws::xml_text(response.body, tag)) FUZZ_CHECK(text->size() <= response.body.size());
  }
  return 0;
}
