#pragma once
// The identity of a compiler-like program that is not rustc (a C compiler, clippy-driver): what
// it prints for its version arguments and its binary's content, hashed once and memoised on
// disk by the binary's path, size, mtime and inode.
#include <filesystem>
#include <string>
#include <vector>

#include "util/expected.hpp"

namespace larder::compiler {

struct ToolIdentity {
  std::string path;          // the binary, links resolved
  std::string version_text;  // what the version arguments printed (stdout and stderr)
  std::string hash;          // covers the version text and the binary's content
};

// `program` is a path or a name found through PATH; why not, when it cannot be found, read or
// run.
Expected<ToolIdentity> identify_tool(const std::string& program, const std::vector<std::string>& version_args,
                                     const std::filesystem::path& memo_dir);

// The first line of the version text.
std::string first_line(const std::string& text);

}  // namespace larder::compiler
