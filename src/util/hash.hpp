#pragma once
// SHA-256 hashing for cache keys and source files (OpenSSL, hardware accelerated where the
// CPU has SHA extensions); XXH3 for the toolchain's own files.
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
// Whether `text` has the form sha256_hex gives: 64 lowercase hex digits. Every digest read
// from storage is checked with it.
bool is_sha256_hex(std::string_view text);
// Streams a file through SHA-256; nullopt when it cannot be read.
std::optional<std::string> sha256_file(const std::filesystem::path& path);
// XXH3-128 of a file (hex), ten times faster than SHA-256: for fingerprinting the local
// toolchain's own files (hundreds of MB of compiler libraries), which no cache user supplies,
// never for anything read from the project or from shared storage.
std::optional<std::string> xxh3_128_file(const std::filesystem::path& path);

}  // namespace larder
