#include "storage/s3/s3_errors.hpp"

#include "aws/xml_text.hpp"

namespace larder::storage::s3 {

std::string error_code(const net::Response& response) {
  // <Code></Code> (a proxy, a damaged answer) says no more than no code at all.
  if (auto code = aws::xml_text(response.body, "Code"); code && !code->empty()) return *code;
  return "HTTP " + std::to_string(response.status);
}

std::optional<std::string> region_hint(const net::Response& response) {
  if (auto header = response.header("x-amz-bucket-region"); header && !header->empty()) return header;
  if (auto region = aws::xml_text(response.body, "Region"); region && !region->empty()) return region;
  return std::nullopt;
}

bool s3_retryable(const net::Response& response) {
  if (net::default_retryable(response)) return true;
  return response.status == 400 && error_code(response) == "RequestTimeout";
}

std::string explain(const net::Response& response, const ErrorContext& context) {
  if (!response.transport_ok()) {
    return "cannot reach " + context.endpoint + ": " + response.error + " (after " + std::to_string(response.attempts) +
           " attempts)";
  }
  const std::string code = error_code(response);
  const std::string message = aws::xml_text(response.body, "Message").value_or("");
  const std::string credentials =
      context.credentials_source.empty() ? "anonymous access" : "credentials from " + context.credentials_source;
  const std::string resource = "arn:aws:s3:::" + context.bucket + "/" + context.key_prefix + "*";
  if (code == "SignatureDoesNotMatch") {
    return "SignatureDoesNotMatch: the secret key does not match the access key id (" + credentials + ")";
  }
  if (code == "InvalidAccessKeyId")
    return "InvalidAccessKeyId: the access key id is not known to this S3 service (" + credentials + ")";
  if (code == "ExpiredToken" || code == "TokenRefreshRequired")
    return code + ": the session token has expired (" + credentials + "): refresh the credentials";
  if (code == "InvalidToken")
    return "InvalidToken: the session token is malformed or not valid for this access key (" + credentials + ")";
  if (code == "NoSuchBucket" || (response.status == 404 && context.operation == "HEAD bucket")) {
    return "NoSuchBucket: bucket '" + context.bucket + "' does not exist at " + context.endpoint +
           ": create it or correct LARDER_BUCKET";
  }
  if (code == "RequestTimeTooSkewed")
    return "RequestTimeTooSkewed: this machine's clock differs from S3's by more than 15 minutes: fix the clock (NTP)";
  if (auto region = region_hint(response);
      region && *region != context.region &&
      (response.status == 301 || response.status == 400 || code == "PermanentRedirect" ||
       code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException")) {
    return "bucket is in " + *region + ", not " + context.region + ": set LARDER_REGION=" + *region;
  }
  if (code.starts_with("KMS.") || (response.status == 403 && message.find("KMS") != std::string::npos)) {
    return code + ": " + message +
           " (LARDER_S3_SSE uses KMS: the policy needs kms:GenerateDataKey and kms:Decrypt on the key)";
  }
  if (response.status == 403) {
    if (context.credentials_source.empty()) {
      return "403 on " + context.operation + ": the bucket does not allow anonymous " +
             (context.operation == "PUT" ? "writes" : "access") + " (LARDER_S3_NO_CREDENTIALS is set)";
    }
    const char* action = context.operation == "PUT"           ? "s3:PutObject"
                         : context.operation == "DELETE"      ? "s3:DeleteObject"
                         : context.operation == "HEAD bucket" ? "s3:ListBucket"
                                                              : "s3:GetObject";
    const std::string arn = std::string(action) == "s3:ListBucket" ? "arn:aws:s3:::" + context.bucket : resource;
    return "403 on " + context.operation + ": the policy lacks " + action + " on " + arn + " (" + credentials + ")";
  }
  std::string text = code;
  if (!message.empty()) text += ": " + message;
  if (code != "HTTP " + std::to_string(response.status)) text += " (HTTP " + std::to_string(response.status) + ")";
  return text + " on " + context.operation;
}

}  // namespace larder::storage::s3
