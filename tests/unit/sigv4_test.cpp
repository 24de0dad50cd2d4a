// The official AWS SigV4 test suite (tests/unit/data/sigv4, from aws-c-auth): header signing of
// every case must give the expected canonical request, string to sign and signature.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "aws/sigv4.hpp"
#include "net/url.hpp"
#include "util/hash.hpp"

namespace fs = std::filesystem;
using namespace larder;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct ParsedCase {
  aws::SigningRequest request;
  aws::Credentials credentials;
  aws::SigningParams params;
  bool sign_body = false;
};

std::time_t parse_timestamp(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return timegm(&tm);
}

ParsedCase parse_case(const fs::path& dir) {
  ParsedCase parsed;
  const auto context = nlohmann::json::parse(slurp(dir / "context.json"));
  parsed.credentials.access_key_id = context["credentials"]["access_key_id"];
  parsed.credentials.secret_access_key = context["credentials"]["secret_access_key"];
  parsed.credentials.session_token = context["credentials"].value("token", "");
  parsed.params.region = context["region"];
  parsed.params.service = context["service"];
  parsed.params.timestamp = parse_timestamp(context["timestamp"]);
  parsed.params.normalize_path = context.value("normalize", true);
  parsed.params.sign_session_token = !context.value("omit_session_token", false);
  parsed.sign_body = context.value("sign_body", false);
  parsed.params.add_content_sha256_header = parsed.sign_body;

  const std::string text = slurp(dir / "request.txt");
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  const size_t space = line.find(' ');
  const size_t version = line.rfind(" HTTP/");
  std::string target = line.substr(space + 1, version - space - 1);
  parsed.request.method = line.substr(0, space);
  const size_t question = target.find('?');
  parsed.request.path = target.substr(0, question);
  if (question != std::string::npos) {
    std::istringstream query(target.substr(question + 1));
    std::string pair;
    while (std::getline(query, pair, '&')) {
      const size_t eq = pair.find('=');
      parsed.request.query.emplace_back(net::percent_decode(pair.substr(0, eq)),
                                        eq == std::string::npos ? "" : net::percent_decode(pair.substr(eq + 1)));
    }
  }
  while (std::getline(lines, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !parsed.request.headers.empty()) {
      parsed.request.headers.back().second += "\n" + line;  // a folded header line
      continue;
    }
    const size_t colon = line.find(':');
    parsed.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::string body((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
  parsed.request.payload_hash = sha256_hex(body);
  return parsed;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

TEST(SigV4Suite, EveryOfficialCaseSignsAsExpected) {
  const fs::path suite = fs::path(LARDER_TESTDATA_DIR) / "sigv4";
  ASSERT_TRUE(fs::exists(suite / "LICENSE"));
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(suite)) {
    if (!entry.is_directory()) continue;
    const auto dir = entry.path();
    SCOPED_TRACE(dir.filename().string());
    const auto parsed = parse_case(dir);
    const auto signature = aws::sign(parsed.request, parsed.credentials, parsed.params);
    EXPECT_EQ(signature.canonical_request, trimmed(slurp(dir / "header-canonical-request.txt")));
    EXPECT_EQ(signature.string_to_sign, trimmed(slurp(dir / "header-string-to-sign.txt")));
    EXPECT_EQ(signature.signature, trimmed(slurp(dir / "header-signature.txt")));
    const std::string signed_request = slurp(dir / "header-signed-request.txt");
    std::string authorization;
    for (const auto& [name, value] : signature.headers_to_add) {
      if (name == "Authorization") authorization = "Authorization:" + value;
    }
    EXPECT_NE(signed_request.find(authorization), std::string::npos) << authorization;
    cases++;
  }
  EXPECT_GE(cases, 30);
}

TEST(SigV4, S3StyleSigningAddsContentHashAndKeepsThePathAsIs) {
  aws::SigningRequest request{"PUT", "/bucket/pre fix/a+b=c/../é", {}, {{"Host", "127.0.0.1:9000"}}, sha256_hex("x")};
  aws::Credentials credentials{"AKID", "SECRET", "TOKEN", std::nullopt, "test"};
  aws::SigningParams params{"us-east-1", "s3", 1440938160, false, true, true};
  const auto signature = aws::sign(request, credentials, params);
  EXPECT_NE(signature.canonical_request.find("\n/bucket/pre%20fix/a%2Bb%3Dc/../%C3%A9\n"), std::string::npos);
  EXPECT_NE(signature.canonical_request.find("x-amz-content-sha256:" + sha256_hex("x")), std::string::npos);
  EXPECT_NE(signature.canonical_request.find("x-amz-security-token:TOKEN"), std::string::npos);
  bool has_token = false;
  for (const auto& [name, value] : signature.headers_to_add) has_token = has_token || name == "X-Amz-Security-Token";
  EXPECT_TRUE(has_token);
}
