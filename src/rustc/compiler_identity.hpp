#pragma once
// The identity of a rustc toolchain: `rustc -vV`, the rustc binary and the sysroot's shared
// libraries, hashed once and memoized on disk by their paths, sizes and mtimes.
#include <filesystem>
#include <optional>
#include <string>

#include "util/expected.hpp"

namespace larder::rustc {

struct CompilerIdentity {
  std::string rustc_path;  // the real rustc (a rustup proxy resolved)
  std::string sysroot;
  std::string version_text;  // `rustc -vV`
  std::string hash;          // covers all of the above and the files' contents
};

struct CompilerLookup {
  std::string compiler;                         // as cargo passed it: a path or a name found through PATH
  std::optional<std::string> rustup_toolchain;  // RUSTUP_TOOLCHAIN
  std::optional<std::string> rustup_home;       // RUSTUP_HOME
  std::optional<std::string> home;              // HOME
};

// Why not, when the compiler cannot be identified.
Expected<CompilerIdentity> identify_compiler(const CompilerLookup& lookup, const std::filesystem::path& memo_dir);

// The first line of `rustc -vV` ("rustc 1.95.0 (…)").
std::string version_line(const CompilerIdentity& identity);

}  // namespace larder::rustc
