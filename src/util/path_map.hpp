#pragma once
// Base folders and their markers: absolute paths under a base folder are written as
// "<marker>/rest" in everything hashed, so that a checkout at another path gets the same keys.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larder {

struct BaseDir {
  std::string marker;  // e.g. "{workspace}"
  std::string path;    // absolute, lexically normal, no trailing slash
};

class PathMap {
 public:
  PathMap() = default;
  // Folders with an empty path or "/" are dropped; a path given twice keeps its first marker.
  explicit PathMap(std::vector<BaseDir> dirs);

  bool empty() const { return dirs_.empty(); }
  // In marker order: what is hashed or stored never depends on which folder's path is longer,
  // so checkouts whose folders differ in length get the same keys.
  const std::vector<BaseDir>& dirs() const { return dirs_; }
  // Longest path first: a folder inside another is matched before its parent.
  const std::vector<BaseDir>& most_specific_first() const { return by_length_; }

  // Replaces every base folder path in `text` (where it stands as a whole path component)
  // by its marker.
  std::string to_portable(std::string_view text) const;
  // The reverse: markers back to this map's folders.
  std::string to_local(std::string_view text) const;
  // The path of a marker, or "" when this map has none.
  std::string path_of(std::string_view marker) const;

 private:
  std::vector<BaseDir> dirs_;
  std::vector<BaseDir> by_length_;
};

// `path` made absolute against `cwd`, lexically normal, without a trailing slash.
std::filesystem::path absolute_normal(const std::filesystem::path& path, const std::filesystem::path& cwd);

// The base folders LARDER_BASEDIRS names ("none", or paths separated by ':' or ','), as
// markers {base0}, {base1}…; nullopt when it is unset: each compiler family then finds its own.
std::optional<PathMap> base_dirs_from_setting(const std::optional<std::string>& setting,
                                              const std::filesystem::path& cwd);

// cargo's home folder: CARGO_HOME, else HOME/.cargo; empty when neither is set.
std::filesystem::path cargo_home_folder(const std::optional<std::string>& cargo_home,
                                        const std::optional<std::string>& home, const std::filesystem::path& cwd);

// What a base folder becomes in outputs (rustc's --remap-path-prefix, the C compilers'
// -ffile-prefix-map): the workspace or package ".", CARGO_HOME "cargo-home", another folder its
// marker's name.
std::string remap_replacement(std::string_view marker);

// Replaces `from` with `to` in `text` wherever `from` is a whole path prefix: not preceded by a
// path character and followed by '/', the end, or a character that cannot continue a path
// component name. An empty `from` replaces nothing.
std::string replace_path_prefix(std::string_view text, std::string_view from, std::string_view to);

}  // namespace larder
