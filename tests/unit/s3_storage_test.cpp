// S3 addressing (virtual-hosted and path-style, AWS and custom endpoints), key prefixes, SSE
// values and the explanations of S3 errors.
#include <gtest/gtest.h>

#include "storage/s3/s3_addressing.hpp"
#include "storage/s3/s3_errors.hpp"
#include "storage/s3/s3_storage.hpp"

using namespace larder::storage::s3;
using larder::net::Response;

TEST(S3Addressing, AwsVirtualHostedAndPathStyle) {
  auto virtual_hosted = s3_target({"my-cache", std::nullopt, false}, "eu-west-1", "ci/a b.entry");
  ASSERT_TRUE(virtual_hosted);
  EXPECT_EQ(virtual_hosted->url, "https://my-cache.s3.eu-west-1.amazonaws.com/ci/a%20b.entry");
  EXPECT_EQ(virtual_hosted->host, "my-cache.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(virtual_hosted->raw_path, "/ci/a b.entry");
  auto us_east = s3_target({"my-cache", std::nullopt, false}, "us-east-1", "k");
  EXPECT_EQ(us_east->url, "https://my-cache.s3.amazonaws.com/k");
  auto path = s3_target({"my-cache", std::nullopt, true}, "eu-west-1", "é+=/k");
  EXPECT_EQ(path->url, "https://s3.eu-west-1.amazonaws.com/my-cache/%C3%A9%2B%3D/k");
  EXPECT_EQ(path->raw_path, "/my-cache/é+=/k");
  // Dots break the wildcard certificate: path-style is forced.
  auto dotted = s3_target({"my.cache", std::nullopt, false}, "eu-west-1", "k");
  EXPECT_EQ(dotted->url, "https://s3.eu-west-1.amazonaws.com/my.cache/k");
}

TEST(S3Addressing, CustomEndpoints) {
  auto minio = s3_target({"b1", "http://127.0.0.1:9000/", true}, "us-east-1", "p/k");
  EXPECT_EQ(minio->url, "http://127.0.0.1:9000/b1/p/k");
  EXPECT_EQ(minio->host, "127.0.0.1:9000");
  auto r2 = s3_target({"cache", "acct.r2.cloudflarestorage.com", false}, "auto", "k");
  EXPECT_EQ(r2->url, "https://cache.acct.r2.cloudflarestorage.com/k");
  EXPECT_EQ(r2->host, "cache.acct.r2.cloudflarestorage.com");
  auto bucket = s3_target({"cache", "https://s3.example.com:8443", false}, "x", "");
  EXPECT_EQ(bucket->url, "https://cache.s3.example.com:8443/");
  EXPECT_EQ(s3_target({"cache", "http://", false}, "x", "k").error(), "LARDER_ENDPOINT='http://' is not a URL");
}

TEST(S3Settings, PrefixAndSse) {
  EXPECT_EQ(normalize_key_prefix("ci/cache"), "ci/cache/");
  EXPECT_EQ(normalize_key_prefix("/x/"), "x/");
  EXPECT_EQ(normalize_key_prefix(""), "");
  EXPECT_TRUE(check_sse("AES256"));
  EXPECT_TRUE(check_sse("aws:kms"));
  EXPECT_TRUE(check_sse("aws:kms:arn:aws:kms:eu-west-1:1:key/abc"));
  EXPECT_EQ(check_sse("aes256").error(), "LARDER_S3_SSE='aes256' is not AES256, aws:kms or aws:kms:KEY-ID");
}

namespace {
Response answer(long status, std::string body, std::map<std::string, std::string> headers = {}) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}
ErrorContext context(std::string operation) {
  return {std::move(operation), "bucket", "pre/", "us-east-1", "https://bucket.s3.amazonaws.com", "environment"};
}
}  // namespace

TEST(S3Errors, ExplainedWithTheirFix) {
  EXPECT_EQ(explain(answer(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>"), context("GET"))
                .rfind("SignatureDoesNotMatch: the secret key does not match the access key id", 0),
            0u);
  EXPECT_EQ(explain(answer(400, "<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>"),
                    context("GET")),
            "bucket is in eu-west-1, not us-east-1: set LARDER_REGION=eu-west-1");
  EXPECT_NE(explain(answer(403, "<Error><Code>AccessDenied</Code></Error>"), context("PUT"))
                .find("403 on PUT: the policy lacks s3:PutObject on arn:aws:s3:::bucket/pre/*"),
            std::string::npos);
  EXPECT_NE(explain(answer(404, "<Error><Code>NoSuchBucket</Code></Error>"), context("GET")).find("NoSuchBucket"),
            std::string::npos);
  Response refused;
  refused.error = "Connection refused";
  refused.attempts = 3;
  EXPECT_EQ(explain(refused, context("GET")),
            "cannot reach https://bucket.s3.amazonaws.com: Connection refused (after 3 attempts)");
}

TEST(S3Errors, RetryableAndRegionHints) {
  EXPECT_TRUE(s3_retryable(answer(503, "<Error><Code>SlowDown</Code></Error>")));
  EXPECT_TRUE(s3_retryable(answer(400, "<Error><Code>RequestTimeout</Code></Error>")));
  EXPECT_FALSE(s3_retryable(answer(403, "<Error><Code>AccessDenied</Code></Error>")));
  EXPECT_EQ(region_hint(answer(301, "", {{"x-amz-bucket-region", "ap-south-1"}})).value_or(""), "ap-south-1");
  EXPECT_FALSE(region_hint(answer(404, "")));
}
