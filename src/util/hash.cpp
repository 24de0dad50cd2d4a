// OpenSSL's low-level SHA-256 functions, not EVP: the first EVP digest of a process reads
// openssl.cnf and builds the provider tables (about 1 ms), a fifth of the time a cache hit may
// take. The low-level functions run the same SHA-NI/AVX2 code without any of that.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "util/hash.hpp"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <array>

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

std::optional<std::string> sha256_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Hasher hasher;
  std::array<char, 1 << 16> buffer{};
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    hasher.update(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return hasher.hex_digest();
}

}  // namespace larder
