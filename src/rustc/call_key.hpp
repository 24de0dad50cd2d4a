#pragma once
// The call key: everything that can change a rustc call's outputs and is known before it runs
// (compiler, arguments, externs, native libraries, environment, target spec). Source files and
// env-deps are added after the compile, from its dep-info (see cache/compile_flow).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "rustc/arguments.hpp"
#include "rustc/compiler_identity.hpp"
#include "rustc/linker_identity.hpp"
#include "util/key_builder.hpp"
#include "util/path_map.hpp"

namespace larder::rustc {

using FileHashFn = std::function<std::optional<std::string>(const std::filesystem::path&)>;
using EnvLookupFn = std::function<std::optional<std::string>(std::string_view)>;
using EnvListFn = std::function<std::vector<std::pair<std::string, std::string>>()>;

struct CallKeyInputs {
  const CompilerIdentity* compiler = nullptr;
  const LinkerIdentity* linker = nullptr;  // for linked crates only
  const ParsedArguments* args = nullptr;
  std::filesystem::path cwd;
  const PathMap* paths = nullptr;
  FileHashFn hash_file;
  EnvListFn environment;  // the whole environment of the call
};

// Adds the call's components after those `key` holds (the cache layer starts it with its own
// format version).
KeyBuilder build_call_key(const CallKeyInputs& inputs, KeyBuilder key = {});

// Whether an environment variable can change what rustc produces for a crate: CARGO_* set by
// cargo for the crate (minus cargo's own knobs and secrets) and the few variables rustc reads.
bool env_affects_output(std::string_view name);

// Variables whose values are paths and are hashed in portable form.
bool env_is_path(std::string_view name);

}  // namespace larder::rustc
