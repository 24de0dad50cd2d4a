#include "rustc/base_dirs.hpp"

namespace larder::rustc {

namespace fs = std::filesystem;

namespace {

bool is_under(const fs::path& path, const fs::path& base) {
  const std::string p = path.string();
  const std::string b = base.string();
  return p == b || (p.size() > b.size() && p.starts_with(b) && p[b.size()] == '/');
}

// The target folder: deps/ is <target>/<profile>/deps (or <target>/<triple>/<profile>/deps).
std::optional<fs::path> target_dir(const ParsedArguments& args, const fs::path& cwd) {
  for (const auto& search : args.search_paths) {
    if (search.kind == "dependency") {
      fs::path deps = absolute_normal(search.path, cwd);
      if (deps.filename() == "deps") return deps.parent_path().parent_path();
    }
  }
  return std::nullopt;
}

}  // namespace

PathMap detect_base_dirs(const BaseDirInputs& inputs, const ParsedArguments& args) {
  if (auto configured = base_dirs_from_setting(inputs.setting, inputs.cwd)) return *configured;
  std::vector<BaseDir> dirs;
  const fs::path cargo_home = cargo_home_folder(inputs.cargo_home, inputs.home, inputs.cwd);
  const fs::path cwd = absolute_normal(inputs.cwd, inputs.cwd);
  // cargo runs rustc for workspace members in the workspace root, and for other packages in
  // the package's own folder (under CARGO_HOME for registry crates).
  fs::path workspace;
  if (inputs.manifest_dir && !(cargo_home.empty() ? false : is_under(cwd, cargo_home)) &&
      is_under(absolute_normal(*inputs.manifest_dir, cwd), cwd)) {
    workspace = cwd;
    dirs.push_back({"{workspace}", workspace.string()});
  }
  if (!cargo_home.empty()) dirs.push_back({"{cargo_home}", cargo_home.string()});
  // Its own base folder even inside the workspace, so that a build with the target folder
  // elsewhere (CARGO_TARGET_DIR, --target-dir) writes the same keys as one with ./target.
  if (auto target = target_dir(args, cwd); target && *target != workspace) {
    dirs.push_back({"{target}", target->string()});
  }
  return PathMap(std::move(dirs));
}

std::vector<std::string> remap_arguments(const PathMap& map) {
  // rustc applies the last matching prefix: the most specific (longest) folder goes last.
  std::vector<std::string> args;
  const auto& dirs = map.most_specific_first();
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    const BaseDir& dir = *it;
    args.push_back("--remap-path-prefix=" + dir.path + "=" + remap_replacement(dir.marker));
  }
  return args;
}

}  // namespace larder::rustc
