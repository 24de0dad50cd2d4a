#pragma once
// Moving a job's objects between the local tier and the remote tiers in bulk, in parallel, at
// the edges of a CI job:
//   prefetch (start): fetch the objects the previous build of this workspace used, named by an
//     index object, into the local tier, so that cargo's calls hit locally;
//   push (end): upload what the calls queued (LARDER_DEFER_UPLOADS), merging manifests with
//     the remote's, then write the index of what this job used.
// Every object is checked (cache/object_checks.hpp) before it is stored anywhere.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace larder::cache {

struct TransferTally {
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

struct PrefetchRequest {
  std::vector<std::string> index_names;  // tried in order; the first found is used
  unsigned jobs = 32;                    // requests in flight
};

struct PrefetchReport {
  std::vector<std::string> remotes;  // kind and location of each remote tier
  std::optional<std::string> index_used;
  uint64_t listed = 0;  // objects the index names
  uint64_t already_here = 0;
  TransferTally fetched;
  uint64_t missing = 0;             // named but in no remote (expired, or never uploaded)
  uint64_t damaged = 0;             // failed a check: not stored
  std::vector<std::string> errors;  // the first few faults, one line each
  double seconds = 0;
};

PrefetchReport prefetch(const Settings& settings, const PrefetchRequest& request);

struct PushRequest {
  std::optional<std::string> index_name;  // write the index of what was used since…
  std::optional<int64_t> used_since_ns;   // …this time (required with index_name)
  unsigned jobs = 16;
};

struct PushReport {
  std::vector<std::string> remotes;
  bool read_only = false;
  uint64_t queued = 0;
  TransferTally uploaded;
  uint64_t failed = 0;                    // queued again for the next push
  uint64_t damaged = 0;                   // failed a check in the local tier: dropped, never uploaded
  std::optional<uint64_t> index_objects;  // the index was written, naming this many
  std::vector<std::string> errors;
  double seconds = 0;
};

PushReport push(const Settings& settings, const PushRequest& request);

}  // namespace larder::cache
