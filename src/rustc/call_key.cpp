#include "rustc/call_key.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "util/files.hpp"

namespace larder::rustc {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 8> kRustcEnv = {
    "RUSTC_BOOTSTRAP",
    "RUST_TARGET_PATH",
    "MACOSX_DEPLOYMENT_TARGET",
    "IPHONEOS_DEPLOYMENT_TARGET",
    "TVOS_DEPLOYMENT_TARGET",
    "WATCHOS_DEPLOYMENT_TARGET",
    "SDKROOT",
    "RUSTC_FORCE_RUSTC_VERSION",
};

// cargo's own settings and secrets: they reach rustc's environment but not its outputs.
constexpr std::array<std::string_view, 16> kIgnoredCargoPrefixes = {
    "CARGO_MAKEFLAGS",   "CARGO_HOME",
    "CARGO_TERM_",       "CARGO_BUILD_",
    "CARGO_INCREMENTAL", "CARGO_REGISTRIES_",
    "CARGO_REGISTRY_",   "CARGO_HTTP_",
    "CARGO_NET_",        "CARGO_LOG",
    "CARGO_TARGET_DIR",  "CARGO_ALIAS_",
    "CARGO_PROFILE_",    "CARGO_CACHE_RUSTC_INFO",
    "CARGO_UNSTABLE_",   "CARGO_CREDENTIAL_",
};

// What the linker driver reads from the environment.
constexpr std::array<std::string_view, 4> kLinkEnv = {"LIBRARY_PATH", "COMPILER_PATH", "GCC_EXEC_PREFIX",
                                                      "LD_RUN_PATH"};

std::optional<fs::path> find_static_lib(const NativeLib& lib, const ParsedArguments& args, const fs::path& cwd) {
  const std::string name = lib.name.substr(0, lib.name.find(':'));
  for (const auto& search : args.search_paths) {
    if (search.kind != "native" && search.kind != "all") continue;
    for (const auto& file : {"lib" + name + ".a", name + ".lib", name}) {
      const fs::path candidate = resolve_path(search.path, cwd) / file;
      if (auto stamp = stat_file(candidate); stamp && S_ISREG(stamp->mode)) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace

bool env_affects_output(std::string_view name) {
  if (std::find(kRustcEnv.begin(), kRustcEnv.end(), name) != kRustcEnv.end()) return true;
  if (name == "OUT_DIR") return true;
  if (!name.starts_with("CARGO_")) return false;
  for (auto prefix : kIgnoredCargoPrefixes) {
    if (name.starts_with(prefix)) return false;
  }
  return true;
}

bool env_is_path(std::string_view name) {
  return name == "OUT_DIR" || name == "CARGO_MANIFEST_DIR" || name == "CARGO_MANIFEST_PATH" ||
         name == "CARGO_TARGET_TMPDIR" || name == "CARGO_RUSTC_CURRENT_DIR" || name == "RUST_TARGET_PATH" ||
         name == "SDKROOT";
}

KeyBuilder build_call_key(const CallKeyInputs& in, KeyBuilder key) {
  const PathMap& paths = *in.paths;
  const ParsedArguments& args = *in.args;
  key.add("compiler", version_line(*in.compiler), in.compiler->hash);
  key.add("cwd", "", paths.to_portable(in.cwd.string()));
  if (in.linker) key.add("linker", in.linker->version_line, in.linker->hash);
  for (const auto& dir : paths.dirs()) key.add("remap", dir.marker, "");
  for (const auto& arg : args.arguments) {
    key.add("arg", arg.flag, arg.has_value ? paths.to_portable(arg.value) : "");
  }
  for (const auto& ext : args.externs) {
    if (!ext.path) continue;
    auto digest = in.hash_file(resolve_path(*ext.path, in.cwd));
    key.add("extern", ext.name, digest.value_or("missing"));
  }
  for (const auto& lib : args.native_libs) {
    if (lib.kind != "static") continue;
    auto found = find_static_lib(lib, args, in.cwd);
    std::optional<std::string> digest;
    if (found) digest = in.hash_file(*found);
    key.add("native-lib", lib.name, digest.value_or("not-found"));
  }
  if (args.target && args.target->ends_with(".json")) {
    auto digest = in.hash_file(resolve_path(*args.target, in.cwd));
    key.add("target-spec", *args.target, digest.value_or("missing"));
  }
  auto environment = in.environment();
  std::sort(environment.begin(), environment.end());
  for (const auto& [name, value] : environment) {
    const bool link_env = in.linker && std::find(kLinkEnv.begin(), kLinkEnv.end(), name) != kLinkEnv.end();
    if (!env_affects_output(name) && !link_env) continue;
    key.add("env", name, env_is_path(name) ? paths.to_portable(value) : value);
    if (name == "RUST_TARGET_PATH" && args.target && !args.target->ends_with(".json")) {
      auto digest = in.hash_file(fs::path(value) / (*args.target + ".json"));
      if (digest) key.add("target-spec", *args.target, *digest);
    }
  }
  return key;
}

}  // namespace larder::rustc
