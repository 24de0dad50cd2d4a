#include "rustc/rustc_call.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "compiler/tool_identity.hpp"
#include "rustc/base_dirs.hpp"
#include "rustc/call_key.hpp"
#include "rustc/compiler_identity.hpp"
#include "rustc/dep_info.hpp"
#include "rustc/linker_identity.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"

namespace larder::rustc {

namespace fs = std::filesystem;

namespace {

// The path whose appearance would change how `mod` resolves to this source: foo.rs <-> foo/mod.rs.
std::optional<fs::path> module_alternative(const fs::path& source) {
  if (source.extension() != ".rs") return std::nullopt;
  if (source.filename() == "mod.rs") {
    const fs::path dir = source.parent_path();
    if (dir.filename().empty()) return std::nullopt;
    return dir.parent_path() / (dir.filename().string() + ".rs");
  }
  return source.parent_path() / source.stem() / "mod.rs";
}

// rustc's own link temporaries, removed before it returns: codegen units (<out-dir>/*.rcgu.o)
// and the files of its temp folder (<out-dir>/rustcXXXX/).
bool is_rustc_temporary(const fs::path& path, const fs::path& out_dir) {
  if (path.parent_path() == out_dir) return path.string().ends_with(".rcgu.o");
  return path.parent_path().parent_path() == out_dir && path.parent_path().filename().string().starts_with("rustc");
}

bool names_rustc(const std::string& program) { return fs::path(program).filename().string().starts_with("rustc"); }

// The variables clippy reads besides cargo's.
constexpr std::array<std::string_view, 3> kClippyEnv = {"CLIPPY_ARGS", "CLIPPY_CONF_DIR", "CLIPPY_DISABLE_DOCS_LINKS"};

}  // namespace

bool Invocation::is_clippy() const {
  return workspace_wrapper && fs::path(*workspace_wrapper).filename().string().starts_with("clippy-driver");
}

std::vector<std::string> Invocation::command() const {
  std::vector<std::string> argv;
  if (workspace_wrapper) argv.push_back(*workspace_wrapper);
  argv.push_back(rustc);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Invocation split_invocation(const std::vector<std::string>& command) {
  Invocation invocation;
  size_t first_arg = 1;
  if (command.size() >= 2 && !names_rustc(command[0]) && names_rustc(command[1])) {
    invocation.workspace_wrapper = command[0];
    first_arg = 2;
  }
  invocation.rustc = command[first_arg - 1];
  invocation.args.assign(command.begin() + static_cast<std::ptrdiff_t>(first_arg), command.end());
  return invocation;
}

std::optional<fs::path> find_clippy_config(const std::optional<std::string>& conf_dir,
                                           const std::optional<std::string>& manifest_dir, const fs::path& cwd) {
  fs::path dir = conf_dir ? fs::path(*conf_dir) : manifest_dir ? fs::path(*manifest_dir) : cwd;
  dir = resolve_path(dir, cwd).lexically_normal();
  while (true) {
    // clippy takes the first of the two names it finds in a folder.
    for (const char* name : {".clippy.toml", "clippy.toml"}) {
      if (auto stamp = stat_file(dir / name); stamp && S_ISREG(stamp->mode)) return dir / name;
    }
    if (!dir.has_relative_path()) return std::nullopt;
    dir = dir.parent_path();
  }
}

RustcCall::RustcCall(Invocation invocation, ParsedArguments args, Compilation compilation, fs::path cwd)
    : invocation_(std::move(invocation)),
      args_(std::move(args)),
      compilation_(std::move(compilation)),
      cwd_(std::move(cwd)) {}

std::string RustcCall::identity() const {
  std::string identity = args_.crate_name + "|";
  std::vector<std::string> types = args_.crate_types;
  std::sort(types.begin(), types.end());
  for (const auto& type : types) identity += type + ",";
  identity += "|" + args_.target.value_or("host") + (args_.test_harness ? "|test" : "|");
  if (invocation_.workspace_wrapper) identity += "|" + fs::path(*invocation_.workspace_wrapper).filename().string();
  return identity;
}

Expected<KeyBuilder> RustcCall::call_key(const compiler::KeyContext& context, KeyBuilder key) {
  const auto identity =
      identify_compiler({invocation_.rustc, env_value("RUSTUP_TOOLCHAIN"), env_value("RUSTUP_HOME"), env_value("HOME")},
                        context.memo_dir / "compilers");
  if (!identity) return unexpected(identity.error());
  sysroot_ = identity->sysroot;
  std::optional<LinkerIdentity> linker;
  if (compilation_.linked) {
    auto identified = identify_linker(args_, context.memo_dir / "linkers");
    if (!identified) return unexpected(identified.error());
    linker = std::move(*identified);
  }
  paths_ = detect_base_dirs(
      {cwd_, context.base_dirs_setting, env_value("CARGO_MANIFEST_DIR"), env_value("CARGO_HOME"), env_value("HOME")},
      args_);
  CallKeyInputs inputs;
  inputs.compiler = &*identity;
  inputs.linker = linker ? &*linker : nullptr;
  inputs.args = &args_;
  inputs.cwd = cwd_;
  inputs.paths = &paths_;
  inputs.hash_file = context.hash_file;
  inputs.environment = environment_list;
  key = build_call_key(inputs, std::move(key));
  if (invocation_.workspace_wrapper) {
    if (auto added = add_wrapper_key(context, key); !added) return unexpected(added.error());
  }
  return key;
}

Expected<void> RustcCall::add_wrapper_key(const compiler::KeyContext& context, KeyBuilder& key) const {
  const auto wrapper =
      compiler::identify_tool(*invocation_.workspace_wrapper, {"--version"}, context.memo_dir / "tools");
  if (!wrapper) return unexpected(wrapper.error());
  key.add("workspace-wrapper", compiler::first_line(wrapper->version_text), wrapper->hash);
  if (!invocation_.is_clippy()) return {};
  for (auto name : kClippyEnv) {
    const auto value = env_value(name);
    key.add("env", std::string(name), value ? paths_.to_portable(*value) : "(unset)");
  }
  const auto config = find_clippy_config(env_value("CLIPPY_CONF_DIR"), env_value("CARGO_MANIFEST_DIR"), cwd_);
  std::optional<std::string> digest;
  if (config) digest = context.hash_file(*config);
  if (config && !digest) return unexpected("cannot read " + config->string());
  key.add("clippy-config", config ? paths_.to_portable(config->string()) : "(none)", digest.value_or(""));
  return {};
}

std::vector<std::string> RustcCall::command(compiler::Additions additions) const {
  std::vector<std::string> argv = invocation_.command();
  if (additions == compiler::Additions::Without) return argv;
  if (compilation_.injected_dep_info) argv.push_back("--emit=dep-info=" + compilation_.dep_info_path.string());
  for (auto& remap : remap_arguments(paths_)) argv.push_back(std::move(remap));
  if (compilation_.linked) argv.push_back("-Clink-arg=-Wl,--dependency-file=" + compilation_.link_inputs_path.string());
  return argv;
}

void RustcCall::remove_stale_temporaries() const {
  // The dep-info and link-input files of wrappers killed mid-compile, named with their pid.
  if (args_.out_dir) remove_stale_temps(resolve_path(*args_.out_dir, cwd_));
}

void RustcCall::remove_temporaries() const {
  std::error_code ec;
  if (compilation_.injected_dep_info) fs::remove(compilation_.dep_info_path, ec);
  if (compilation_.linked) fs::remove(compilation_.link_inputs_path, ec);
}

std::optional<compiler::InputsRead> RustcCall::inputs_read() const {
  auto dep_text = read_file(compilation_.dep_info_path);
  if (!dep_text) {
    spdlog::warn("{}: rustc wrote no dep-info at {}; not cached", args_.crate_name,
                 compilation_.dep_info_path.string());
    return std::nullopt;
  }
  const DepInfo info = parse_dep_info(*dep_text);
  compiler::InputsRead inputs;
  inputs.sources = info.sources;
  for (const auto& source : info.sources) {
    const fs::path path = resolve_path(source, cwd_);
    if (auto alternative = module_alternative(path); alternative && !lstat_file(*alternative)) {
      inputs.must_be_absent.push_back(*alternative);
    }
  }
  for (const auto& dep : info.env_deps) inputs.env_deps.push_back({dep.name, dep.value});
  if (compilation_.linked && !add_link_inputs(inputs)) return std::nullopt;
  return inputs;
}

bool RustcCall::add_link_inputs(compiler::InputsRead& inputs) const {
  auto text = read_file(compilation_.link_inputs_path);
  if (!text) {
    spdlog::info("{}: the linker wrote no --dependency-file (not GNU ld, lld or mold?); not cached", args_.crate_name);
    return false;
  }
  const fs::path out_dir = compilation_.outputs.front().path.parent_path();
  for (const auto& input : parse_dep_info(*text).sources) {
    const fs::path path = resolve_path(input, cwd_);
    // The compiler identity covers the toolchain's own files.
    if (!sysroot_.empty() && path.string().starts_with(sysroot_ + "/")) continue;
    if (!lstat_file(path)) {
      if (is_rustc_temporary(path, out_dir)) continue;
      spdlog::info("{}: link input {} is gone after the link; not cached", args_.crate_name, path.string());
      return false;
    }
    inputs.late_inputs.push_back(path);
  }
  return true;
}

}  // namespace larder::rustc
