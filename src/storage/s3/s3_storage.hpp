#pragma once
// The S3 backend: objects under LARDER_S3_KEY_PREFIX in LARDER_BUCKET, signed with SigV4
// (or anonymous), on AWS or any S3-compatible endpoint. A wrong or unknown region is detected
// from the bucket's answer, corrected and remembered in LARDER_DIR; a skewed clock is
// corrected from the server's time. Every fault is a value with an explanation.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/environment.hpp"
#include "net/http_client.hpp"
#include "storage/s3/s3_addressing.hpp"
#include "storage/s3/s3_errors.hpp"
#include "storage/storage.hpp"
#include "util/expected.hpp"

namespace larder::storage::s3 {

struct S3Settings {
  S3Location location;
  std::string key_prefix;             // normalized: no leading '/', ends with '/' when not empty
  std::optional<std::string> region;  // configured; nullopt: detect
  std::string region_source;
  bool anonymous = false;
  std::string sse;                 // "", "AES256", "aws:kms", "aws:kms:KEY-ID"
  std::filesystem::path memo_dir;  // LARDER_DIR/memo
  aws::Env env;
  net::ClientOptions client;
};

// "ci/cache" -> "ci/cache/", "/x/" -> "x/", "" -> "".
std::string normalize_key_prefix(std::string_view prefix);
// Whether LARDER_S3_SSE's value is one S3 knows.
Expected<void> check_sse(const std::string& sse);

class S3Storage : public Storage {
 public:
  explicit S3Storage(S3Settings settings);

  std::string kind() const override { return "s3"; }
  std::string location() const override;
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;
  std::vector<DoctorLine> diagnose() override;

  const std::string& region() const { return region_; }

 private:
  struct Outcome {
    net::Response response;
    ErrorContext context;
  };
  // Sends one request, correcting the region and the clock once each when S3 asks for it.
  Outcome execute(const std::string& operation, const std::string& method, const std::string& key,
                  std::string_view body);
  // Resolves the credentials once per process; an error when there are none.
  Expected<void> ensure_credentials();
  std::filesystem::path region_memo() const;
  void remember_region(const std::string& region);
  std::string endpoint_text() const;

  S3Settings settings_;
  std::string region_;
  std::optional<std::string> corrected_from_;  // the region S3 said was wrong
  bool credentials_resolved_ = false;
  std::optional<aws::Credentials> credentials_;
  std::vector<std::string> credential_problems_;
  int64_t clock_offset_ = 0;  // server time minus local time, after RequestTimeTooSkewed
  net::HttpClient http_;
};

}  // namespace larder::storage::s3
