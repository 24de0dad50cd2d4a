#include "util/ar_archive.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <string_view>

#include "util/files.hpp"

namespace larder {

namespace {
constexpr std::string_view kMagic = "!<arch>\n";
constexpr size_t kHeaderSize = 60;  // name 16, date 12, uid 6, gid 6, mode 8, size 10, "`\n"

// A header's decimal field, space padded on the right.
bool parse_decimal(std::string_view field, uint64_t& value) {
  const size_t end = field.find(' ');
  field = field.substr(0, end);
  if (field.empty()) return false;
  const auto [next, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  return error == std::errc() && next == field.data() + field.size();
}
}  // namespace

std::vector<ArMember> ar_members(const std::filesystem::path& path, uint64_t file_size) {
  std::vector<ArMember> members;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return members;
  char magic[kMagic.size()];
  uint64_t at = kMagic.size();
  if (read_at(fd, magic, sizeof magic, 0) != sizeof magic || std::string_view(magic, sizeof magic) != kMagic)
    at = file_size;
  while (at + kHeaderSize <= file_size) {
    char header[kHeaderSize];
    if (read_at(fd, header, sizeof header, at) != sizeof header) break;
    const std::string_view text(header, sizeof header);
    uint64_t size = 0;
    if (text.substr(58, 2) != "`\n" || !parse_decimal(text.substr(48, 10), size)) break;
    const uint64_t data = at + kHeaderSize;
    if (size > file_size - data) break;
    ArMember member{data, size};
    // BSD archives keep a long name ("#1/<length>") at the start of the member's bytes.
    uint64_t name_length = 0;
    if (text.starts_with("#1/") && parse_decimal(text.substr(3, 13), name_length) && name_length <= size) {
      member.offset += name_length;
      member.size -= name_length;
    }
    members.push_back(member);
    at = data + size + (size % 2);  // members start at even offsets
  }
  ::close(fd);
  return members;
}

}  // namespace larder
