#pragma once
// One compiler call as the cache flow (cache/compile_flow) sees it, whatever the compiler:
// rustc (rustc/rustc_call) and the C family (cc/cc_call) implement it. The flow looks up,
// restores, runs, records and stores; a family knows its arguments, its key, its outputs and
// what a compile read. Neither src/cache nor src/storage knows a family.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"
#include "util/key_builder.hpp"
#include "util/path_map.hpp"

namespace larder::compiler {

// The language of a call, for stats and `larder explain`; its name is a stats JSON key.
enum class Language : uint8_t { Rust, C, Cxx, Assembler };
std::string_view language_name(Language language);

// One file the compile writes. `role` names it independently of paths ("rlib", "object",
// "dep-info"…): entries store outputs by role, so restoring can only ever write the files this
// call expects.
struct ExpectedOutput {
  std::string role;
  std::filesystem::path path;
  // A text file that names base folders (a depfile): rewritten to this checkout's folders on
  // restore, and never what pins an entry to its path.
  bool relocated = false;
};

using FileHashFn = std::function<std::optional<std::string>(const std::filesystem::path&)>;

// What the flow gives a call to compute its key.
struct KeyContext {
  std::filesystem::path cwd;
  std::filesystem::path memo_dir;                // LARDER_DIR/memo: identities of compilers are memoised there
  std::optional<std::string> base_dirs_setting;  // LARDER_BASEDIRS
  FileHashFn hash_file;                          // memoised SHA-256 of a file, nullopt if unreadable
};

// An environment variable the compile read (rustc's `# env-dep:`), with its value then.
struct EnvDependency {
  std::string name;
  std::optional<std::string> value;
};

// What a successful compile read, recorded in the manifest so that a later call can check it
// without compiling. Paths are as the compiler wrote them (relative ones to the working folder).
struct InputsRead {
  std::vector<std::string> sources;  // must be unchanged since before the compile started
  // Read by a step after the compile proper (the linker): hashed, but may be older outputs.
  std::vector<std::filesystem::path> late_inputs;
  // Files whose appearance would change the result (a module file, a header earlier in the
  // include path).
  std::vector<std::filesystem::path> must_be_absent;
  std::vector<EnvDependency> env_deps;
};

// Whether a command carries larder's additions to the build system's.
enum class Additions : uint8_t { Without, With };

class Call {
 public:
  virtual ~Call() = default;

  virtual Language language() const = 0;
  // Who the call is for logs and `larder explain`: the crate's name, or a C call's source.
  virtual const std::string& label() const = 0;
  // Calls with the same identity are builds of one unit whose records `larder explain`
  // compares (crate, crate types, target…); the variant tells builds of it apart (cargo's
  // -C metadata). Profile and features stay out: they are what a comparison names.
  virtual std::string identity() const = 0;
  virtual std::string variant() const = 0;

  // Identifies the compiler, finds the base folders and adds the call key's components after
  // those `key` holds (the cache layer starts it with its format version). Why not, when the
  // compiler cannot be identified: the call is then compiled without the cache.
  virtual Expected<KeyBuilder> call_key(const KeyContext& context, KeyBuilder key) = 0;
  // The base folders call_key() found.
  virtual const PathMap& paths() const = 0;

  virtual const std::vector<ExpectedOutput>& outputs() const = 0;
  // The command to run: with larder's additions (a dep-info file, path remapping…) once the key
  // is computed, else as the build system wrote it.
  virtual std::vector<std::string> command(Additions additions) const = 0;
  // Whether a compile that failed with diagnostics is stored and replayed like a success: for
  // a linter, whose failure (a lint denied) is its deterministic result.
  virtual bool caches_failures() const { return false; }
  // Removes what wrappers killed mid-compile left behind (named with their pid).
  virtual void remove_stale_temporaries() const {}
  // After a compile that succeeded with additions: what it read, or nullopt (logged) when that
  // cannot be told, which leaves the call uncached.
  virtual std::optional<InputsRead> inputs_read() const = 0;
  // Removes the files larder's additions wrote.
  virtual void remove_temporaries() const = 0;
};

}  // namespace larder::compiler
