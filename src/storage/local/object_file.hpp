#pragma once
// One object file of the local tier, read and removed so that the folder a CI cache restored
// (untrusted: anything may stand where an object should) can neither hang nor redirect larder,
// and so that `larder cache trim --unused-since` is exact under concurrent wrappers.
//
// The protocol: a reader opens the object without following a symlink, takes a shared flock,
// checks that it is still a linked regular file, and sets its mtime to now (the "last used"
// time) through the descriptor before reading. A pruner takes the exclusive flock without
// waiting, re-checks the mtime and unlinks while holding it. So a read either lands before the
// prune (the pruner sees the fresh mtime and keeps the object, or cannot lock it) or after it
// (the reader finds the file gone or unlinked: a miss, whose compile stores the object again).
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

namespace larder::storage {

// The largest object a read accepts: far above any real entry, far below what would exhaust
// memory before the object codec can check it.
inline constexpr uint64_t kMaxObjectBytes = 8ULL << 30;

enum class ObjectAbsent { Missing };

// The object's bytes, its absence, or why it cannot be used (a message for logs). Damage is
// what can never become an object (a symlink, FIFO, device or folder in its place, an absurd
// size): the tier removes it.
struct ObjectReadError {
  std::string message;
  bool damage = false;
};
using ObjectRead = std::variant<std::string, ObjectAbsent, ObjectReadError>;

// Reads the object at `path` and marks it used now.
ObjectRead read_object_file(const std::filesystem::path& path);

enum class PruneOutcome { Removed, InUse, UsedSince, Gone, Failed };

// Removes the object when no reader holds it and its mtime is outside [since_ns, until_ns]
// (until: the pruner's start; a later mtime comes from another clock, not from a read).
// Anything that is not a regular file where an object should be is removed as damage.
PruneOutcome prune_object_file(const std::filesystem::path& path, int64_t since_ns, int64_t until_ns);

}  // namespace larder::storage
