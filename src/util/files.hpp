#pragma once
// File helpers: whole-file reads, atomic writes (temp file + rename) and stat fingerprints.
#include <fcntl.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace larder {

namespace fs = std::filesystem;

// What identifies one version of a file without reading it.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  mode_t mode = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stat_file(const fs::path& path);
std::optional<FileStamp> lstat_file(const fs::path& path);

// Every read below opens the file without blocking and reads it only when fstat says it is a
// regular file: a FIFO, socket or device (a recorded source or cache file replaced by
// /dev/zero or a FIFO) fails the read with errno EINVAL instead of hanging or reading forever.
// Symlinks to regular files are followed.
std::optional<std::string> read_file(const fs::path& path);

enum class Symlinks { Follow, Refuse };
// The whole of a regular file larder reads from its own folder (memo files, records): read only
// when it holds at most `max_size` bytes (else nullopt with errno EFBIG), and with
// Symlinks::Refuse not through a symlink (errno ELOOP), so a file placed there cannot make larder
// read another.
std::optional<std::string> read_regular_file(const fs::path& path, uint64_t max_size, Symlinks symlinks);
// Opens a regular file as the reads above do (with O_CREAT in `flags`, creating it as 0644):
// -1 (with errno) when it cannot be opened or is not a regular file.
int open_regular(const fs::path& path, Symlinks symlinks, int flags = O_RDONLY);
// Reads the file into `into`, which must be its size: false when it cannot be read or holds
// fewer or more bytes (it changed since its size was taken).
bool read_file_exactly(const fs::path& path, char* into, size_t size);
// Reads up to `size` bytes at `offset` of an open file: how many it read before the file's
// end or an error.
size_t read_at(int fd, char* into, size_t size, uint64_t offset);
// Up to `size` bytes of the file from `offset` (fewer at its end); empty when unreadable.
std::string read_file_part(const fs::path& path, uint64_t offset, size_t size);
// Feeds the file to `consume` in 64 KiB chunks until its end, or until `consume` returns
// false; false when the file cannot be read or `consume` stopped early.
bool read_in_chunks(const fs::path& path, const std::function<bool(std::string_view)>& consume);
// Whether the file holds exactly `bytes`: the same length and the same content.
bool file_holds_exactly(const fs::path& path, std::string_view bytes);

// Writes `data` to a unique temporary file beside `path` and renames it into place, so
// readers see either the old or the new file, never a partial one. Creates parent folders.
// The temporary file has no name while it is written (O_TMPFILE, where the file system has
// it): a writer killed meanwhile leaves nothing behind. The error is a message for logs.
Expected<void> write_file_atomic(const fs::path& path, std::string_view data, mode_t mode = 0644);

// Writes a compiler output that nothing reads while it is written (cargo waits for the call):
// the old file is unlinked first, then the new one is written as write_file_atomic does. A
// rename over an existing file makes ext4 (auto_da_alloc) flush the new file's data at once,
// 7-10 ms per output on a busy disk; a rename to a free name does not.
Expected<void> replace_output_file(const fs::path& path, std::string_view data, mode_t mode);

// Rewrites `path` in place (one write at offset 0, then a cut to the new length), creating it
// and its parent folders when missing. No new inode, no rename and no block freed, which on a
// busy ext4 folder cost far more than the write. Only for small records whose readers verify
// them: a concurrent reader may see a mix of the old and the new bytes. A symlink, FIFO or
// anything else that is not a regular file at `path` is replaced, never written through.
bool overwrite_file(const fs::path& path, std::string_view data);

// A temp path beside `path`, unique per process and call: "<path>.tmp.<pid>.<n>.<tick>".
fs::path temp_path_for(const fs::path& path);
// Removes the temp files of `dir` (named as temp_path_for names them) whose writer is gone:
// its process no longer runs, or the file is older than `max_age_seconds` (a pid reused).
void remove_stale_temps(const fs::path& dir, int64_t max_age_seconds = 3600);

// `path` as rustc sees it when run in `cwd`: relative paths are taken from there.
fs::path resolve_path(const std::string& path, const fs::path& cwd);

int64_t now_ns();

}  // namespace larder
