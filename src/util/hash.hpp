#pragma once
// SHA-256 hashing for cache keys and source files (OpenSSL, hardware accelerated where the
// CPU has SHA extensions).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>


namespace larder {

class Hasher {
 public:
  Hasher();

  // Raw bytes, no framing.
  Hasher& update(std::string_view data);
  // A labelled, length-framed value: "a"+"bc" and "ab"+"c" hash differently.
  Hasher& field(std::string_view label, std::string_view value);
  std::string hex_digest();

 private:
  // OpenSSL's SHA256_CTX, opaque here so callers need no OpenSSL headers.
  alignas(8) unsigned char state_[112];
};

std::string sha256_hex(std::string_view data);
// Streams a file through SHA-256; nullopt when it cannot be read.
std::optional<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace larder
