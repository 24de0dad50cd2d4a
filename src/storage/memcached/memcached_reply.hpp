#pragma once
// Parses memcached's text-protocol replies from the bytes received so far, apart from the
// socket: MemcachedConnection reads until a reply is complete, and fuzz/memcached_reply.cpp
// feeds the same functions arbitrary bytes. A server's reply is untrusted input: declared
// value sizes and line lengths are bounded before anything is buffered for them.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace larder::storage {

struct MemcachedItem {
  uint32_t flags = 0;
  std::string data;
};

// memcached refuses items above 1 GiB whatever its -I setting: a larger declared size is damage.
inline constexpr size_t kMaxMemcachedValue = size_t{1} << 30;
// Reply lines (VALUE headers, STAT lines, errors) are short; a longer one is not memcached.
inline constexpr size_t kMaxMemcachedLine = 64 * 1024;

struct MemcachedReply {
  enum class Status { Incomplete, Complete, Malformed };
  Status status = Status::Incomplete;
  // Incomplete: read until at least this many bytes are buffered, then parse again.
  size_t wanted = 0;
  // Complete: how many bytes of the buffer the reply took.
  size_t consumed = 0;
  // A one-line reply (STORED, DELETED, VERSION 1.6.18), or the refusal that answered a get or
  // stats request (SERVER_ERROR …, CLIENT_ERROR …, ERROR). Malformed: what was wrong.
  std::string line;
  std::optional<MemcachedItem> item;         // get: the value when the key was found
  std::map<std::string, std::string> stats;  // stats: name -> value
};

// The reply to "get KEY": VALUE KEY FLAGS BYTES [CAS]\r\n DATA\r\n … END\r\n, or a refusal line.
MemcachedReply parse_get_reply(std::string_view buffer);
// The reply to "stats [group]": STAT NAME VALUE\r\n … END\r\n.
MemcachedReply parse_stats_reply(std::string_view buffer);
// A reply of one line (set, delete, version).
MemcachedReply parse_line_reply(std::string_view buffer);

// Whether a reply line is an error (ERROR, CLIENT_ERROR …, SERVER_ERROR …).
bool is_memcached_error(std::string_view line);

}  // namespace larder::storage
