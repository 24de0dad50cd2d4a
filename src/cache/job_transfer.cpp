#include "cache/job_transfer.hpp"

#include <chrono>
#include <mutex>

#include "cache/manifest.hpp"
#include "cache/manifest_bundle.hpp"
#include "cache/object_checks.hpp"
#include "cache/prefetch_index.hpp"
#include "cache/upload_queue.hpp"
#include "storage/factory.hpp"
#include "storage/local/local_storage.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"
#include "util/parallel.hpp"

namespace larder::cache {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kErrorsKept = 5;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// One set of remote connections per worker thread: a backend is not shared between threads.
class RemotePool {
 public:
  RemotePool(const Settings& settings, unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) {
      auto remotes = storage::make_remote_storages(settings);
      per_worker_.push_back(std::move(remotes.value));
      if (i == 0) problems_ = std::move(remotes.problems);
    }
  }
  std::vector<storage::StoragePtr>& of(unsigned worker) { return per_worker_[worker]; }
  const std::vector<std::string>& problems() const { return problems_; }
  std::vector<std::string> describe() {
    std::vector<std::string> lines;
    for (const auto& remote : per_worker_.front()) lines.push_back(remote->kind() + " " + remote->location());
    return lines;
  }

 private:
  std::vector<std::vector<storage::StoragePtr>> per_worker_;
  std::vector<std::string> problems_;
};

// The reports' counters, updated from every worker.
class Tally {
 public:
  explicit Tally(std::vector<std::string>& errors) : errors_(errors) {}
  void error(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (errors_.size() < kErrorsKept) errors_.push_back(line);
  }
  template <class Update>
  void update(Update&& change) {
    std::lock_guard lock(mutex_);
    change();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string>& errors_;
};

unsigned workers_for(unsigned jobs) { return std::max(1u, std::min(jobs, 64u)); }

// Fetches one object from the first remote that has it into the local tier, checked first.
void fetch_into(const std::string& name, storage::LocalStorage& local, std::vector<storage::StoragePtr>& remotes,
                PrefetchReport& report, Tally& tally) {
  for (auto& remote : remotes) {
    auto got = remote->get(name);
    if (got.outcome == storage::Outcome::NotFound) continue;
    if (got.outcome == storage::Outcome::Error) {
      tally.error(remote->kind() + ": cannot read " + name + ": " + got.error);
      continue;
    }
    std::vector<NamedObject> objects;
    try {
      objects = checked_objects(name, got.data);
    } catch (const CorruptData& error) {
      tally.update([&] { report.damaged++; });
      tally.error(remote->kind() + ": " + name + " is unusable: " + error.what());
      return;
    }
    for (const auto& object : objects) {
      if (object.name != name && local.contains(object.name)) continue;
      const auto stored = local.put(object.name, object.blob);
      if (!stored.ok) {
        tally.error("cannot store " + object.name + " in the local cache: " + stored.error);
        return;
      }
      tally.update([&] {
        report.fetched.objects++;
        report.fetched.bytes += object.blob.size();
      });
    }
    return;
  }
  tally.update([&] { report.missing++; });
}

}  // namespace

PrefetchReport prefetch(const Settings& settings, const PrefetchRequest& request) {
  const auto start = Clock::now();
  PrefetchReport report;
  const unsigned workers = workers_for(request.jobs);
  RemotePool pool(settings, workers);
  report.remotes = pool.describe();
  for (const auto& problem : pool.problems()) report.errors.push_back(problem);
  if (pool.of(0).empty()) return report;

  std::vector<std::string> names;
  for (const auto& index_name : request.index_names) {
    for (auto& remote : pool.of(0)) {
      auto got = remote->get(index_object_name(index_name));
      if (got.outcome == storage::Outcome::Error) {
        report.errors.push_back(remote->kind() + ": cannot read the index " + index_name + ": " + got.error);
      }
      if (got.outcome != storage::Outcome::Ok) continue;
      try {
        names = deserialize_index(got.data);
        report.index_used = index_name;
        break;
      } catch (const CorruptData& error) {
        report.errors.push_back(remote->kind() + ": the index " + index_name + " is unusable: " + error.what());
      }
    }
    if (report.index_used) break;
  }
  report.listed = names.size();

  storage::LocalStorage local(settings.cache_dir(), settings.cache_size_bytes());
  std::vector<std::string> wanted;
  for (auto& name : names) {
    if (local.contains(name)) {
      report.already_here++;
    } else {
      wanted.push_back(std::move(name));
    }
  }
  // Manifests first: a remote's manifest carries its newest entry, which then needs no
  // request of its own.
  std::vector<std::string> manifests, entries;
  for (auto& name : wanted) (name.ends_with(".manifest") ? manifests : entries).push_back(std::move(name));
  Tally tally(report.errors);
  for (const auto* batch : {&manifests, &entries}) {
    run_parallel(batch->size(), workers, [&](size_t item, unsigned worker) {
      const std::string& name = (*batch)[item];
      storage::LocalStorage here(settings.cache_dir(), settings.cache_size_bytes());
      if (batch == &entries && here.contains(name)) return;  // it came inside its manifest
      fetch_into(name, here, pool.of(worker), report, tally);
    });
  }
  report.seconds = seconds_since(start);
  return report;
}

namespace {

// Uploads one queued object from the local tier to every remote; false when a remote failed
// (the name is queued again). A manifest is merged with the remote's own first, so results
// other jobs stored meanwhile are kept.
bool push_object(const std::string& name, storage::LocalStorage& local, std::vector<storage::StoragePtr>& remotes,
                 PushReport& report, Tally& tally) {
  auto got = local.get(name);
  if (got.outcome == storage::Outcome::NotFound) return true;  // trimmed since: nothing to upload
  if (got.outcome == storage::Outcome::Error) {
    tally.error("cannot read " + name + " from the local cache: " + got.error);
    return false;
  }
  const std::string call_key = name.substr(0, name.find('.'));
  std::optional<Manifest> manifest;
  try {
    (void)checked_objects(name, got.data);
    if (name.ends_with(".manifest")) manifest = checked_manifest_object(got.data, call_key).manifest;
  } catch (const CorruptData& error) {
    tally.update([&] { report.damaged++; });
    tally.error(name + " in the local cache is unusable (" + error.what() + "): not uploaded");
    local.remove(name);
    return true;
  }
  // The remotes' manifest carries its newest result's entry, this job's (cache/manifest_bundle.hpp).
  std::string carried_entry;
  if (manifest && !manifest->results.empty()) {
    const std::string& newest = manifest->results.front().entry_object;
    auto entry = local.get(newest + ".entry");
    if (entry.outcome == storage::Outcome::Ok && sha256_hex(entry.data) == newest)
      carried_entry = std::move(entry.data);
  }
  bool all_ok = true;
  for (auto& remote : remotes) {
    std::string blob = got.data;
    if (manifest) {
      Manifest merged = *manifest;
      auto theirs = remote->get(name);
      if (theirs.outcome == storage::Outcome::Ok) {
        try {
          merge_results(merged, checked_manifest_object(theirs.data, call_key).manifest);
          blob = serialize_manifest(merged);
        } catch (const CorruptData&) {
          // The remote's copy is damaged: this job's replaces it.
        }
      }
      blob = remote_manifest_object(blob, carried_entry);
    }
    const auto put = remote->put(name, blob);
    if (!put.ok) {
      all_ok = false;
      tally.error(remote->kind() + ": cannot upload " + name + ": " + put.error);
      continue;
    }
    tally.update([&] {
      report.uploaded.objects++;
      report.uploaded.bytes += blob.size();
    });
  }
  return all_ok;
}

}  // namespace

PushReport push(const Settings& settings, const PushRequest& request) {
  const auto start = Clock::now();
  PushReport report;
  report.read_only = settings.flag("LARDER_READ_ONLY");
  const unsigned workers = workers_for(request.jobs);
  RemotePool pool(settings, workers);
  report.remotes = pool.describe();
  for (const auto& problem : pool.problems()) report.errors.push_back(problem);
  if (pool.of(0).empty() || report.read_only) return report;

  const UploadQueue queue(settings.cache_dir());
  const auto taken = queue.take();
  report.queued = taken.names.size();
  // Entries first: a manifest never reaches a remote before the entries it names.
  std::vector<std::string> entries, manifests;
  for (const auto& name : taken.names) (name.ends_with(".entry") ? entries : manifests).push_back(name);
  std::vector<std::string> failed;
  Tally tally(report.errors);
  for (const auto* batch : {&entries, &manifests}) {
    run_parallel(batch->size(), workers, [&](size_t item, unsigned worker) {
      storage::LocalStorage local(settings.cache_dir(), settings.cache_size_bytes());
      if (!push_object((*batch)[item], local, pool.of(worker), report, tally)) {
        tally.update([&] { failed.push_back((*batch)[item]); });
      }
    });
  }
  report.failed = failed.size();
  queue.done(taken);
  if (!failed.empty() && !queue.add(failed)) report.errors.push_back("cannot queue the failed uploads again");

  if (request.index_name && request.used_since_ns) {
    storage::LocalStorage local(settings.cache_dir(), settings.cache_size_bytes());
    std::vector<std::string> used;
    for (auto& name : local.used_since(*request.used_since_ns)) {
      if (is_object_name(name)) used.push_back(std::move(name));
    }
    const std::string blob = serialize_index(used);
    bool written = false;
    for (auto& remote : pool.of(0)) {
      const auto put = remote->put(index_object_name(*request.index_name), blob);
      if (put.ok) {
        written = true;
      } else {
        report.errors.push_back(remote->kind() + ": cannot write the index " + *request.index_name + ": " + put.error);
      }
    }
    if (written) report.index_objects = used.size();
  }
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace larder::cache
