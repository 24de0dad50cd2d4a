// OpenSSL's low-level SHA-256 functions, not EVP: the first EVP digest of a process reads
// openssl.cnf and builds the provider tables (about 1 ms), a fifth of the time a cache hit may
// take. The low-level functions run the same SHA-NI/AVX2 code without any of that.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "util/hash.hpp"

#include <openssl/sha.h>

#include <array>
#include <cstdio>

// Header-only (XXH_INLINE_ALL): no libxxhash archive to link, static or not.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util/files.hpp"

namespace larder {

namespace {
SHA256_CTX* context(unsigned char* state) { return reinterpret_cast<SHA256_CTX*>(state); }
}  // namespace

static_assert(sizeof(SHA256_CTX) <= 112 && alignof(SHA256_CTX) <= 8, "Hasher::state_ must hold a SHA256_CTX");

Hasher::Hasher() { SHA256_Init(context(state_)); }

Hasher& Hasher::update(std::string_view data) {
  SHA256_Update(context(state_), data.data(), data.size());
  return *this;
}

Hasher& Hasher::field(std::string_view label, std::string_view value) {
  const std::string header = std::string(label) + ":" + std::to_string(value.size()) + ":";
  update(header);
  update(value);
  return *this;
}

std::string Hasher::hex_digest() {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256_Final(digest.data(), context(state_));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) { return Hasher().update(data).hex_digest(); }

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::optional<std::string> sha256_file(const std::filesystem::path& path) {
  Hasher hasher;
  const bool read = read_in_chunks(path, [&](std::string_view chunk) {
    hasher.update(chunk);
    return true;
  });
  if (!read) return std::nullopt;
  return hasher.hex_digest();
}

std::optional<std::string> xxh3_128_file(const std::filesystem::path& path) {
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_128bits_reset(&state);
  const bool read = read_in_chunks(path, [&](std::string_view chunk) {
    XXH3_128bits_update(&state, chunk.data(), chunk.size());
    return true;
  });
  if (!read) return std::nullopt;
  const XXH128_hash_t hash = XXH3_128bits_digest(&state);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return std::string(hex);
}

}  // namespace larder
