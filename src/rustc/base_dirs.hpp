#pragma once
// Which folders are base folders for one rustc call: the cargo workspace root, CARGO_HOME and
// the target folder, or what LARDER_BASEDIRS names.
#include <filesystem>
#include <optional>
#include <string>

#include "rustc/arguments.hpp"
#include "util/path_map.hpp"

namespace larder::rustc {

struct BaseDirInputs {
  std::filesystem::path cwd;
  std::optional<std::string> setting;       // LARDER_BASEDIRS: "none", or paths separated by ':' or ','
  std::optional<std::string> manifest_dir;  // CARGO_MANIFEST_DIR
  std::optional<std::string> cargo_home;    // CARGO_HOME
  std::optional<std::string> home;          // HOME
};

PathMap detect_base_dirs(const BaseDirInputs& inputs, const ParsedArguments& args);

// `--remap-path-prefix` arguments that make outputs independent of the base folders: the
// workspace becomes ".", CARGO_HOME "cargo-home", a target folder outside the workspace
// "target", other base folders their marker's name.
std::vector<std::string> remap_arguments(const PathMap& map);

}  // namespace larder::rustc
