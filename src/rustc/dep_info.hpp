#pragma once
// rustc's Makefile-style dep-info (.d): which files and environment variables a crate read.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larder::rustc {

struct EnvDep {
  std::string name;
  std::optional<std::string> value;  // nullopt: read but unset (option_env!)
};

struct DepInfo {
  std::vector<std::string> targets;  // the outputs named on the left of ':'
  std::vector<std::string> sources;  // every input file, in order, without duplicates
  std::vector<EnvDep> env_deps;
};

// Parses dep-info text; paths are returned exactly as written (relative to rustc's working
// directory or absolute), with the Makefile escapes undone.
DepInfo parse_dep_info(std::string_view text);

}  // namespace larder::rustc
