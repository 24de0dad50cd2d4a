#include "cache/upload_queue.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "cache/object_checks.hpp"
#include "util/files.hpp"

namespace larder::cache {

namespace fs = std::filesystem;

namespace {
constexpr const char* kQueueFile = "queue";
constexpr const char* kTakenPrefix = "taken.";
constexpr uint64_t kMaxQueueBytes = 256ULL << 20;
}  // namespace

UploadQueue::UploadQueue(const fs::path& cache_dir) : dir_(cache_dir / "upload-queue") {}

bool UploadQueue::add(const std::vector<std::string>& names) const {
  std::string lines;
  for (const auto& name : names) lines += name + "\n";
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const int fd =
      ::open((dir_ / kQueueFile).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool written = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
  ::close(fd);
  return written;
}

UploadQueue::Taken UploadQueue::take() const {
  Taken taken;
  const fs::path queue = dir_ / kQueueFile;
  // Zero-padded time first: sorted names give the oldest queue first, so a push that died is
  // finished in the order its wrappers queued.
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%020llu", static_cast<unsigned long long>(now_ns()));
  const fs::path mine = dir_ / (kTakenPrefix + std::string(stamp) + "." + std::to_string(::getpid()));
  if (::rename(queue.c_str(), mine.c_str()) != 0 && errno != ENOENT) return taken;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir_, ec)) {
    if (item.path().filename().string().starts_with(kTakenPrefix)) taken.files.push_back(item.path());
  }
  std::sort(taken.files.begin(), taken.files.end());
  std::set<std::string> seen;
  for (const auto& file : taken.files) {
    // Untrusted like the rest of the folder: bounded, no symlink followed, only object names.
    const auto text = read_regular_file(file, kMaxQueueBytes, Symlinks::Refuse);
    if (!text) continue;
    size_t start = 0;
    while (start < text->size()) {
      size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      std::string name = text->substr(start, end - start);
      start = end + 1;
      if (is_object_name(name) && seen.insert(name).second) taken.names.push_back(std::move(name));
    }
  }
  return taken;
}

void UploadQueue::done(const Taken& taken) const {
  std::error_code ec;
  for (const auto& file : taken.files) fs::remove(file, ec);
}

}  // namespace larder::cache
