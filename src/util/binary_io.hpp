#pragma once
// Little-endian, length-prefixed encoding for cache objects. The reader is bounds-checked:
// cache objects come from shared storage and are untrusted input.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace larder {

class BinaryWriter {
 public:
  void u8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u32(uint32_t value) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  void u64(uint64_t value) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  void bytes(std::string_view data) {
    u64(data.size());
    out_.append(data);
  }
  void raw(std::string_view data) { out_.append(data); }
  std::string& buffer() { return out_; }

 private:
  std::string out_;
};

struct CorruptData : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view data) : data_(data) {}
  uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
  uint32_t u32() {
    auto bytes = take(4);
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
    return value;
  }
  uint64_t u64() {
    auto bytes = take(8);
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
    return value;
  }
  std::string bytes() { return std::string(bytes_view()); }
  // A length-prefixed field of at most `max_size` bytes: a longer one is corrupt.
  std::string bytes(size_t max_size) { return std::string(bytes_view(max_size)); }
  // The bytes in place, valid as long as the reader's data.
  std::string_view bytes_view(uint64_t max_size = UINT64_MAX) {
    const uint64_t size = u64();
    if (size > remaining()) throw CorruptData("length field exceeds data");
    if (size > max_size) throw CorruptData("field longer than its limit");
    return take(static_cast<size_t>(size));
  }
  // A count of items that follow, at most `max_count`: checked before anything is reserved.
  uint32_t count(uint32_t max_count) {
    const uint32_t value = u32();
    if (value > max_count) throw CorruptData("count out of range");
    return value;
  }
  std::string_view take(size_t size) {
    if (size > remaining()) throw CorruptData("truncated data");
    auto view = data_.substr(pos_, size);
    pos_ += size;
    return view;
  }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace larder
