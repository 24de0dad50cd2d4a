#pragma once
// SHA-256 hashing for cache keys and entry checksums (OpenSSL, hardware accelerated where the
// CPU has SHA extensions).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace larder {

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // Raw bytes, no framing.
  Hasher& update(std::string_view data);
  // A labelled, length-framed value: "a"+"bc" and "ab"+"c" hash differently.
  Hasher& field(std::string_view label, std::string_view value);
  std::string hex_digest();

 private:
  evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view data);
// Streams a file through SHA-256; nullopt when it cannot be read.
std::optional<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace larder
