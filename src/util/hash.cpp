#include "util/hash.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

namespace larder {

Hasher::Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("cannot initialise SHA-256");
  }
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

Hasher& Hasher::update(std::string_view data) {
  EVP_DigestUpdate(ctx_, data.data(), data.size());
  return *this;
}

Hasher& Hasher::field(std::string_view label, std::string_view value) {
  const std::string header = std::string(label) + ":" + std::to_string(value.size()) + ":";
  update(header);
  update(value);
  return *this;
}

std::string Hasher::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
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
