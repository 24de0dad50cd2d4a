#pragma once
// Uploads off the critical path (LARDER_DEFER_UPLOADS=1): a miss stores its objects in the
// local tier and appends their names here; `larder cache push` at the end of the job uploads
// them to the remote tiers. A job that dies before the push loses nothing but hits: the next
// job misses and stores again.
//
// The queue is LARDER_DIR/upload-queue/queue, one name per line, appended with one write()
// per call (O_APPEND: lines of concurrent wrappers never interleave). A push renames it to a
// "taken" file first, so names queued during the push wait for the next one, and a push that
// died leaves its taken files for the next push to finish.
#include <filesystem>
#include <string>
#include <vector>

namespace larder::cache {

class UploadQueue {
 public:
  explicit UploadQueue(const std::filesystem::path& cache_dir);

  // Appends the names; false when the queue cannot be written (the caller uploads inline).
  bool add(const std::vector<std::string>& names) const;

  struct Taken {
    std::vector<std::string> names;            // unique, in queue order; only object names
    std::vector<std::filesystem::path> files;  // remove with done() once uploaded
  };
  // Takes every queued name, including those of pushes that died.
  Taken take() const;
  // The names were uploaded (or given up): their taken files go.
  void done(const Taken& taken) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace larder::cache
