#pragma once
// A byte buffer that is not zero-filled: large decoded cache objects (hundreds of megabytes)
// are written once by the decompressor, and a std::string would clear them first.
#include <cstddef>
#include <string_view>

namespace larder {

class ByteBuffer {
 public:
  enum class Faulting { Upfront, OnTouch };
  // Upfront: for a buffer about to be filled whole (faulted in with one call); OnTouch: for
  // one that may stay partly unused, e.g. room for a compressed frame of unknown size.
  explicit ByteBuffer(size_t size, Faulting faulting = Faulting::Upfront);
  ~ByteBuffer();
  ByteBuffer(ByteBuffer&& other) noexcept;
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  char* data() { return bytes_; }
  std::string_view view() const { return {bytes_, size_}; }

 private:
  void release();

  char* bytes_ = nullptr;
  size_t size_ = 0;
  size_t mapped_size_ = 0;  // when mapped rather than allocated
};

}  // namespace larder
