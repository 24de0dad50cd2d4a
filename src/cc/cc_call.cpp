#include "cc/cc_call.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <set>

#include "cc/depfile.hpp"
#include "compiler/tool_identity.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace larder::cc {

namespace fs = std::filesystem;

namespace {

// What the compiler reads from the environment that can change an object or its diagnostics.
constexpr std::array<std::string_view, 11> kCompilerEnv = {
    "CPATH",
    "C_INCLUDE_PATH",
    "CPLUS_INCLUDE_PATH",
    "OBJC_INCLUDE_PATH",
    "SOURCE_DATE_EPOCH",
    "GCC_EXEC_PREFIX",
    "COMPILER_PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LC_MESSAGES",
};
// Of those, the ones whose values are paths (hashed in portable form).
bool env_is_path(std::string_view name) { return name.ends_with("PATH") || name == "GCC_EXEC_PREFIX"; }

// Variables that make GCC write a depfile larder does not see, or make clang change its
// arguments: such a call is not cached.
constexpr std::array<std::string_view, 3> kUntrackedEnv = {"DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES",
                                                           "CCC_OVERRIDE_OPTIONS"};

// The folders a compiler searches after the command line's, where a header is found by the
// name the source wrote after the folder.
constexpr std::array<std::string_view, 3> kStandardIncludeRoots = {"/usr/local/include/", "/usr/include/",
                                                                   "/usr/lib/gcc/"};

constexpr size_t kMaxShadowingCandidates = 4096;

bool is_under(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() + 1 && path.starts_with(dir) && path[dir.size()] == '/';
}

// The name a standard folder's header was included by ("stdio.h", "sys/types.h"), or "".
std::string standard_include_name(const std::string& header) {
  for (auto root : kStandardIncludeRoots) {
    if (!header.starts_with(root)) continue;
    std::string rest = header.substr(root.size());
    // /usr/lib/gcc/<triple>/<version>/include/x.h and /usr/include/<triple>/x.h (multiarch).
    if (root == "/usr/lib/gcc/") {
      const size_t include = rest.find("/include/");
      return include == std::string::npos ? "" : rest.substr(include + 9);
    }
    const size_t slash = rest.find('/');
    if (slash != std::string::npos &&
        std::count(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(slash), '-') >= 2) {
      rest = rest.substr(slash + 1);
    }
    return rest;
  }
  return "";
}

// A source that asks for the time of the compile cannot be replayed (unless SOURCE_DATE_EPOCH
// fixes it, which is in the key).
bool reads_the_clock(const std::string& text) {
  for (const char* macro : {"__DATE__", "__TIME__", "__TIMESTAMP__"}) {
    if (text.find(macro) != std::string::npos) return true;
  }
  return false;
}

// An assembler source that pulls in other files the depfile does not list.
bool includes_files_in_assembly(const std::string& text) {
  return text.find(".include") != std::string::npos || text.find(".incbin") != std::string::npos;
}

// The base folders of a compile a cargo build script runs: the package's folder (the build
// script's working folder), the target folder (from OUT_DIR) and CARGO_HOME.
PathMap detect_base_dirs(const fs::path& cwd, const std::optional<std::string>& setting) {
  if (auto configured = base_dirs_from_setting(setting, cwd)) return *configured;
  std::vector<BaseDir> dirs;
  if (auto manifest_dir = env_value("CARGO_MANIFEST_DIR"); manifest_dir && !manifest_dir->empty()) {
    dirs.push_back({"{package}", absolute_normal(*manifest_dir, cwd).string()});
  }
  // OUT_DIR is <target>[/<triple>]/<profile>/build/<package>-<hash>/out; cargo marks <target>
  // with a CACHEDIR.TAG.
  if (auto out_dir = env_value("OUT_DIR"); out_dir && !out_dir->empty()) {
    fs::path dir = absolute_normal(*out_dir, cwd);
    for (int up = 0; up < 6 && dir.has_relative_path(); ++up) {
      dir = dir.parent_path();
      if (up >= 3 && stat_file(dir / "CACHEDIR.TAG")) {
        dirs.push_back({"{target}", dir.string()});
        break;
      }
    }
  }
  const fs::path cargo_home = cargo_home_folder(env_value("CARGO_HOME"), env_value("HOME"), cwd);
  if (!cargo_home.empty()) dirs.push_back({"{cargo_home}", cargo_home.string()});
  return PathMap(std::move(dirs));
}

}  // namespace

bool is_compiler_name(std::string_view name) {
  // A version suffix: gcc-12, clang-16, clang++-14.
  if (const size_t dash = name.rfind('-');
      dash != std::string_view::npos && dash + 1 < name.size() &&
      name.substr(dash + 1).find_first_not_of("0123456789.") == std::string_view::npos) {
    name = name.substr(0, dash);
  }
  for (std::string_view driver : {"cc", "c++", "gcc", "g++", "clang", "clang++"}) {
    if (name == driver) return true;
    // A target prefix: x86_64-linux-gnu-gcc.
    if (name.size() > driver.size() + 1 && name.ends_with(driver) && name[name.size() - driver.size() - 1] == '-') {
      return true;
    }
  }
  return false;
}

std::string find_real_compiler(const std::string& name) {
  std::error_code ec;
  const fs::path self = fs::canonical("/proc/self/exe", ec);
  auto is_self = [&](const fs::path& candidate) {
    std::error_code error;
    return !self.empty() && fs::canonical(candidate, error) == self;
  };
  if (name.find('/') != std::string::npos && !is_self(name)) return name;
  const std::string program = fs::path(name).filename().string();
  for (const auto& dir : split(env_value("PATH").value_or(""), ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate, ec) && !is_self(candidate)) {
      return candidate.string();
    }
  }
  return "";
}

compiler::Language family_language(Language language) {
  switch (language) {
    case Language::C:
      return compiler::Language::C;
    case Language::Cxx:
      return compiler::Language::Cxx;
    case Language::Assembler:
    case Language::AssemblerWithCpp:
      return compiler::Language::Assembler;
  }
  return compiler::Language::C;
}

std::string source_label(const std::string& source) {
  const fs::path path(source);
  return path.has_parent_path() && path.parent_path().has_filename()
             ? (path.parent_path().filename() / path.filename()).string()
             : path.filename().string();
}

std::optional<NotCachedReason> environment_reason() {
  for (auto name : kUntrackedEnv) {
    if (env_value(name)) return NotCachedReason{Reason::ExtraOutput, std::string(name)};
  }
  return std::nullopt;
}

CcCall::CcCall(std::string compiler, std::vector<std::string> args, ParsedCall parsed, fs::path cwd)
    : compiler_(std::move(compiler)), args_(std::move(args)), parsed_(std::move(parsed)), cwd_(std::move(cwd)) {
  label_ = source_label(parsed_.source);
  output_ = absolute_normal(parsed_.output, cwd_);
  outputs_.push_back({"object", output_, false});
  if (parsed_.depfile) {
    depfile_ = absolute_normal(parsed_.depfile->path, cwd_);
    // It names the object and the headers by path: rewritten for this checkout on restore.
    outputs_.push_back({"depfile", depfile_, true});
  } else if (parsed_.language != Language::Assembler) {
    injected_depfile_ = true;
    depfile_ = temp_path_for(output_.string() + ".larder.d");
  }
}

compiler::Language CcCall::language() const { return family_language(parsed_.language); }

std::string CcCall::identity() const {
  return std::string(language_name(parsed_.language)) + "|" +
         paths_.to_portable(absolute_normal(parsed_.source, cwd_).string()) + "|" +
         paths_.to_portable(output_.string());
}

Expected<KeyBuilder> CcCall::call_key(const compiler::KeyContext& context, KeyBuilder key) {
  const auto identity = compiler::identify_tool(compiler_, {"--version"}, context.memo_dir / "tools");
  if (!identity) return unexpected(identity.error());
  paths_ = detect_base_dirs(cwd_, context.base_dirs_setting);
  key.add("compiler", compiler::first_line(identity->version_text), identity->hash);
  key.add("cwd", "", paths_.to_portable(cwd_.string()));
  for (const auto& dir : paths_.dirs()) key.add("remap", dir.marker, "");
  for (const auto& arg : parsed_.key_arguments) {
    std::string value = arg.value;
    if (arg.kind == ValueKind::Path) value = paths_.to_portable(absolute_normal(arg.value, cwd_).string());
    if (arg.kind == ValueKind::PathMap) value = paths_.to_portable(arg.value);
    key.add("arg", arg.option, value);
  }
  key.add("source", "", paths_.to_portable(absolute_normal(parsed_.source, cwd_).string()));
  key.add("output", "", paths_.to_portable(output_.string()));
  if (parsed_.depfile) {
    const DepfileRequest& depfile = *parsed_.depfile;
    key.add("depfile", paths_.to_portable(depfile_.string()),
            std::string(depfile.system_headers ? "all-headers" : "user-headers") +
                (depfile.phony_targets ? ",phony-targets" : ""));
    for (const auto& target : depfile.targets) {
      key.add("depfile-target", target.quoted ? "quoted" : "as-is", paths_.to_portable(target.name));
    }
  }
  for (auto name : kCompilerEnv) {
    if (auto value = env_value(name))
      key.add("env", std::string(name), env_is_path(name) ? paths_.to_portable(*value) : *value);
  }
  return key;
}

std::vector<std::string> CcCall::command(compiler::Additions additions) const {
  std::vector<std::string> argv{compiler_};
  argv.insert(argv.end(), args_.begin(), args_.end());
  if (additions == compiler::Additions::Without) return argv;
  if (injected_depfile_) {
    argv.insert(argv.end(), {"-MD", "-MF", depfile_.string()});
  }
  // GCC applies the last matching map: the most specific folder goes last.
  const auto& dirs = paths_.most_specific_first();
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    argv.push_back("-ffile-prefix-map=" + it->path + "=" + remap_replacement(it->marker));
  }
  return argv;
}

void CcCall::remove_stale_temporaries() const {
  if (injected_depfile_) remove_stale_temps(output_.parent_path());
}

void CcCall::remove_temporaries() const {
  std::error_code ec;
  if (injected_depfile_) fs::remove(depfile_, ec);
}

std::optional<compiler::InputsRead> CcCall::inputs_read() const {
  compiler::InputsRead inputs;
  if (parsed_.language == Language::Assembler) {
    inputs.sources.push_back(parsed_.source);  // not preprocessed: the source is all it reads
  } else {
    const auto text = read_file(depfile_);
    const auto dependencies = text ? parse_depfile(*text) : std::nullopt;
    if (!dependencies || dependencies->prerequisites.empty()) {
      spdlog::warn("{}: the compiler wrote no readable depfile at {}; not cached", label_, depfile_.string());
      return std::nullopt;
    }
    inputs.sources = dependencies->prerequisites;
  }
  const bool clock_fixed = env_value("SOURCE_DATE_EPOCH").has_value();
  for (const auto& source : inputs.sources) {
    const std::string path = absolute_normal(source, cwd_).string();
    if (path.starts_with("/usr/")) continue;  // the system's headers ask for no clock
    const auto text = read_file(path);
    if (!text) continue;  // the flow reports an unreadable source
    if (!clock_fixed && reads_the_clock(*text)) {
      spdlog::info("{}: {} uses __DATE__, __TIME__ or __TIMESTAMP__; not cached (set SOURCE_DATE_EPOCH)", label_, path);
      return std::nullopt;
    }
    if (parsed_.language != Language::C && parsed_.language != Language::Cxx && includes_files_in_assembly(*text)) {
      spdlog::info("{}: {} includes files with .include or .incbin, which no depfile lists; not cached", label_, path);
      return std::nullopt;
    }
  }
  std::vector<std::string> headers(inputs.sources.begin() + 1, inputs.sources.end());
  inputs.must_be_absent = shadowing_candidates(headers);
  return inputs;
}

std::vector<fs::path> CcCall::shadowing_candidates(const std::vector<std::string>& headers) const {
  // Searched before a header's own folder: the source's folder (for #include "…"), then the
  // command line's folders in search order.
  std::vector<std::string> search{absolute_normal(parsed_.source, cwd_).parent_path().string()};
  for (const auto& dir : parsed_.include_dirs) search.push_back(absolute_normal(dir.path, cwd_).string());
  std::set<std::string> seen;
  std::vector<fs::path> candidates;
  for (const auto& header : headers) {
    const std::string path = absolute_normal(header, cwd_).string();
    std::string name;
    size_t found_at = search.size();
    for (size_t i = 0; i < search.size(); ++i) {
      if (is_under(path, search[i])) {
        name = path.substr(search[i].size() + 1);
        found_at = i;
        break;
      }
    }
    if (name.empty()) name = standard_include_name(path);
    if (name.empty()) continue;
    for (size_t i = 0; i < found_at; ++i) {
      const std::string candidate = search[i] + "/" + name;
      if (candidate == path || !seen.insert(candidate).second || lstat_file(candidate)) continue;
      candidates.emplace_back(candidate);
      if (candidates.size() >= kMaxShadowingCandidates) return candidates;
    }
  }
  return candidates;
}

}  // namespace larder::cc
