#include "storage/s3/s3_storage.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>

#include "aws/credential_cache.hpp"
#include "aws/credential_chain.hpp"
#include "aws/environment.hpp"
#include "aws/sigv4.hpp"
#include "aws/xml_text.hpp"
#include "net/ca_bundle.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

namespace larder::storage::s3 {

namespace {

constexpr const char* kDefaultRegion = "us-east-1";

// The server's clock from an error answer: <ServerTime> or the Date header.
std::optional<int64_t> server_time(const net::Response& response) {
  if (auto text = aws::xml_text(response.body, "ServerTime")) {
    if (auto parsed = aws::parse_iso8601(*text)) return parsed;
  }
  if (auto date = response.header("date")) {
    std::tm tm{};
    if (strptime(date->c_str(), "%a, %d %b %Y %H:%M:%S", &tm) != nullptr) return timegm(&tm);
  }
  return std::nullopt;
}

// S3 refuses requests signed more than 15 minutes off its clock. A HEAD answer has no body to
// say RequestTimeTooSkewed, so a bare 403 whose Date is that far off is taken as the same.
bool refused_for_clock_skew(const net::Response& response, std::string_view code) {
  if (code == "RequestTimeTooSkewed") return true;
  if (response.status != 403 || !response.body.empty()) return false;
  auto server = server_time(response);
  return server && std::llabs(*server - static_cast<int64_t>(std::time(nullptr))) > 15 * 60;
}

}  // namespace

std::string normalize_key_prefix(std::string_view prefix) {
  std::string text(trim(prefix));
  while (text.starts_with('/')) text.erase(0, 1);
  if (!text.empty() && !text.ends_with('/')) text += "/";
  return text;
}

Expected<void> check_sse(const std::string& sse) {
  if (sse.empty() || sse == "AES256" || sse == "aws:kms" || (sse.starts_with("aws:kms:") && sse.size() > 8)) return {};
  return unexpected("LARDER_S3_SSE='" + sse + "' is not AES256, aws:kms or aws:kms:KEY-ID");
}

S3Storage::S3Storage(S3Settings settings) : settings_(std::move(settings)), http_(settings_.client) {
  if (auto memo = read_file(region_memo()); memo && !trim(*memo).empty()) {
    region_ = std::string(trim(*memo));
    if (settings_.region && *settings_.region != region_) corrected_from_ = settings_.region;
  } else {
    region_ = settings_.region.value_or(kDefaultRegion);
  }
}

std::string S3Storage::location() const {
  std::string text = "s3://" + settings_.location.bucket + "/" + settings_.key_prefix;
  if (settings_.location.endpoint) text += " at " + *settings_.location.endpoint;
  return text;
}

std::string S3Storage::endpoint_text() const {
  auto target = s3_target(settings_.location, region_, "");
  return target ? target.value().url : settings_.location.endpoint.value_or("?");
}

std::filesystem::path S3Storage::region_memo() const {
  const std::string identity = settings_.location.endpoint.value_or("aws") + "\n" + settings_.location.bucket;
  return settings_.memo_dir / ("s3-region-" + sha256_hex(identity).substr(0, 16));
}

void S3Storage::remember_region(const std::string& region) {
  if (!corrected_from_) corrected_from_ = region_;
  spdlog::info("S3 bucket {} is in {}, not {}: using {} from now on", settings_.location.bucket, region, region_,
               region);
  region_ = region;
  if (auto written = write_file_atomic(region_memo(), region + "\n"); !written)
    spdlog::debug("cannot remember the region: {}", written.error());
}

Expected<void> S3Storage::ensure_credentials() {
  if (settings_.anonymous) return {};
  if (!credentials_resolved_) {
    aws::remove_legacy_credential_cache(settings_.memo_dir);
    auto resolved = aws::resolve_credentials(settings_.env, aws::credential_cache_folder(settings_.env));
    credentials_ = std::move(resolved.credentials);
    credential_problems_ = std::move(resolved.problems);
    credentials_resolved_ = true;
  }
  if (credentials_) return {};
  std::string error = "no AWS credentials found";
  for (const auto& problem : credential_problems_) error += "; " + problem;
  error +=
      " (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity or container role, or "
      "LARDER_S3_NO_CREDENTIALS=1 for a public bucket)";
  return unexpected(std::move(error));
}

S3Storage::Outcome S3Storage::execute(const std::string& operation, const std::string& method, const std::string& key,
                                      std::string_view body) {
  Outcome outcome;
  const std::string payload_hash = body.empty() ? std::string(aws::kEmptyPayloadHash) : sha256_hex(body);
  bool region_corrected = false, clock_corrected = false;
  for (;;) {
    outcome.context = {operation,
                       settings_.location.bucket,
                       settings_.key_prefix,
                       region_,
                       "",
                       credentials_ ? credentials_->source : ""};
    auto target = s3_target(settings_.location, region_, key);
    if (!target) {
      outcome.response.error = target.error();
      return outcome;
    }
    outcome.context.endpoint = target->url.substr(0, target->url.find('/', target->url.find("://") + 3));
    net::Request request(method, target->url, body);
    request.headers.emplace_back("Host", target->host);
    if (method == "PUT" && !settings_.sse.empty()) {
      const bool kms = settings_.sse.starts_with("aws:kms");
      request.headers.emplace_back("x-amz-server-side-encryption", kms ? "aws:kms" : settings_.sse);
      if (kms && settings_.sse.size() > 8) {
        request.headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", settings_.sse.substr(8));
      }
    }
    if (!settings_.anonymous) {
      const std::string raw_path = target->raw_path;
      request.prepare = [this, raw_path, payload_hash](net::Request& r) {
        aws::SigningRequest signing{r.method, raw_path, {}, r.headers, payload_hash};
        aws::SigningParams params{region_, "s3", static_cast<std::time_t>(std::time(nullptr) + clock_offset_),
                                  false,   true, true};
        for (auto& header : aws::sign(signing, *credentials_, params).headers_to_add)
          r.headers.push_back(std::move(header));
      };
    }
    outcome.response = http_.send(request, s3_retryable);
    const auto& response = outcome.response;
    if (!response.transport_ok() || response.status < 300) return outcome;

    if (auto hint = region_hint(response); hint && *hint != region_ && !region_corrected) {
      remember_region(*hint);
      region_corrected = true;
      continue;
    }
    if (!clock_corrected && refused_for_clock_skew(response, error_code(response))) {
      if (auto server = server_time(response)) {
        clock_offset_ = *server - std::time(nullptr);
        spdlog::info("the clock differs from S3's by {} s: correcting", clock_offset_);
        clock_corrected = true;
        continue;
      }
    }
    return outcome;
  }
}

GetResult S3Storage::get(const std::string& name) {
  if (auto ready = ensure_credentials(); !ready) return GetResult::failure(ready.error());
  auto outcome = execute("GET", "GET", settings_.key_prefix + name, {});
  const auto& response = outcome.response;
  if (response.transport_ok() && response.status == 200) return GetResult::found(std::move(outcome.response.body));
  if (response.transport_ok() && response.status == 404 && error_code(response) != "NoSuchBucket")
    return GetResult::not_found();
  return GetResult::failure(explain(response, outcome.context));
}

OpResult S3Storage::put(const std::string& name, std::string_view blob) {
  if (auto ready = ensure_credentials(); !ready) return OpResult::failure(ready.error());
  const auto outcome = execute("PUT", "PUT", settings_.key_prefix + name, blob);
  if (outcome.response.transport_ok() && outcome.response.status == 200) return OpResult::success();
  return OpResult::failure(explain(outcome.response, outcome.context));
}

OpResult S3Storage::remove(const std::string& name) {
  if (auto ready = ensure_credentials(); !ready) return OpResult::failure(ready.error());
  const auto outcome = execute("DELETE", "DELETE", settings_.key_prefix + name, {});
  const long status = outcome.response.status;
  if (outcome.response.transport_ok() && (status == 200 || status == 204 || status == 404)) return OpResult::success();
  return OpResult::failure(explain(outcome.response, outcome.context));
}

std::vector<DoctorLine> S3Storage::diagnose() {
  std::vector<DoctorLine> lines;
  if (settings_.anonymous) {
    lines.push_back({"credentials", "none: anonymous access (LARDER_S3_NO_CREDENTIALS), read-only", true, ""});
  } else if (const auto ready = ensure_credentials()) {
    std::string detail = credentials_->source;
    if (!credentials_->session_token.empty()) detail += ", with a session token";
    if (credentials_->expires_at)
      detail += ", expires in " + std::to_string((*credentials_->expires_at - std::time(nullptr)) / 60) + " min";
    lines.push_back({"credentials", detail, true, ""});
  } else {
    lines.push_back({"credentials", "none found", false, ready.error()});
    return lines;
  }
  if (!settings_.sse.empty()) lines.push_back({"encryption", "server-side, " + settings_.sse, true, ""});
  const std::string configured_region = region_;
  const auto outcome = execute("HEAD bucket", "HEAD", "", {});
  lines.push_back({"endpoint", endpoint_text() + (settings_.location.path_style ? " (path-style)" : ""), true, ""});
  if (endpoint_text().starts_with("https://"))
    lines.push_back({"TLS CA certificates", net::find_ca_location().source, true, ""});
  const auto& response = outcome.response;
  if (response.transport_ok() && response.status == 200) {
    lines.push_back({"bucket", settings_.location.bucket + " exists and answers", true, ""});
  } else if (settings_.anonymous && response.transport_ok() && response.status == 403) {
    lines.push_back({"bucket", "anonymous HEAD is denied (normal for public-read buckets)", true, ""});
  } else {
    const std::string why = explain(response, outcome.context);
    lines.push_back({"bucket", why, false,
                     response.transport_ok()
                         ? "see docs/s3.md for the IAM policy larder needs"
                         : "check LARDER_ENDPOINT, the network and proxies (HTTPS_PROXY, NO_PROXY)"});
  }
  std::string region_detail = region_;
  if (corrected_from_) {
    region_detail = "bucket is in " + region_ + ", not " + *corrected_from_ +
                    " (corrected and remembered; set LARDER_REGION=" + region_ + ")";
  } else if (settings_.region && *settings_.region == region_) {
    region_detail += " (from " + settings_.region_source + ")";
  } else if (configured_region != region_ || !settings_.region) {
    region_detail += settings_.location.endpoint ? " (default for a custom endpoint)" : " (detected from the bucket)";
  }
  lines.push_back({"region", region_detail, true, ""});
  return lines;
}

}  // namespace larder::storage::s3
