#include "util/byte_buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <utility>

namespace larder {

// From 1 MiB on (rlibs, binaries), a mapping of its own aligned for 2 MiB pages: faulting in
// a decompressed rlib 4 KiB at a time cost as much as decompressing it.
ByteBuffer::ByteBuffer(size_t size, Faulting faulting) : size_(size) {
  constexpr size_t kHugePage = 2 << 20;
  if (size < kHugePage / 2) {
    if (size > 0) bytes_ = new char[size];
    return;
  }
  const size_t length = (size + kHugePage - 1) / kHugePage * kHugePage;
  void* pages = ::mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) throw std::bad_alloc();
  // Keep the aligned part of the mapping, return the slack on either side.
  char* base = static_cast<char*>(pages);
  const uintptr_t offset = reinterpret_cast<uintptr_t>(base) % kHugePage;
  char* aligned = offset == 0 ? base : base + (kHugePage - offset);
  if (aligned > base) ::munmap(base, static_cast<size_t>(aligned - base));
  ::munmap(aligned + length, static_cast<size_t>(base + length + kHugePage - (aligned + length)));
  // Both are hints: without transparent huge pages, the pages are still faulted in one go.
  ::madvise(aligned, length, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  if (faulting == Faulting::Upfront) ::madvise(aligned, length, MADV_POPULATE_WRITE);
#endif
  bytes_ = aligned;
  mapped_size_ = length;
}

ByteBuffer::~ByteBuffer() { release(); }

ByteBuffer::ByteBuffer(ByteBuffer&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_size_(std::exchange(other.mapped_size_, 0)) {}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this != &other) {
    release();
    bytes_ = std::exchange(other.bytes_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_size_ = std::exchange(other.mapped_size_, 0);
  }
  return *this;
}

void ByteBuffer::release() {
  if (bytes_ == nullptr) return;
  if (mapped_size_ > 0) {
    ::munmap(bytes_, mapped_size_);
  } else {
    delete[] bytes_;
  }
  bytes_ = nullptr;
}

}  // namespace larder
