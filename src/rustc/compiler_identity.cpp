#include "rustc/compiler_identity.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace larder::rustc {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMaxMemoSize = 1 << 20;

// rustup installs its proxies as links to (or copies of) the rustup binary.
bool is_rustup_proxy(const fs::path& path) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  if (ec) return false;
  const std::string name = resolved.filename().string();
  if (name == "rustup" || name == "rustup-init") return true;
  const fs::path sibling = path.parent_path() / "rustup";
  auto a = stat_file(path);
  auto b = stat_file(sibling);
  return a && b && a->device == b->device && a->inode == b->inode;
}

Expected<fs::path> resolve_real_rustc(const CompilerLookup& lookup) {
  std::string found = find_in_path(lookup.compiler);
  if (found.empty()) return unexpected("compiler '" + lookup.compiler + "' not found in PATH");
  fs::path path = found;
  if (!is_rustup_proxy(path)) return path;
  if (lookup.rustup_toolchain && !lookup.rustup_toolchain->empty()) {
    fs::path home = lookup.rustup_home && !lookup.rustup_home->empty() ? fs::path(*lookup.rustup_home)
                                                                       : fs::path(lookup.home.value_or("")) / ".rustup";
    fs::path candidate = home / "toolchains" / *lookup.rustup_toolchain / "bin" / "rustc";
    if (fs::path(*lookup.rustup_toolchain).is_absolute())
      candidate = fs::path(*lookup.rustup_toolchain) / "bin" / "rustc";
    if (stat_file(candidate)) return candidate;
  }
  // The proxy alone does not say which toolchain it runs (rust-toolchain.toml, overrides):
  // ask it.
  auto result = run_process({path.string(), "--print", "sysroot"}, ProcessOutput::Capture);
  if (!result.started || result.exit_code != 0) {
    return unexpected("cannot resolve the rustup toolchain of " + path.string());
  }
  return fs::path(std::string(trim(result.out))) / "bin" / "rustc";
}

struct FileFact {
  std::string path;
  FileStamp stamp;
};

std::vector<FileFact> toolchain_files(const fs::path& rustc, const fs::path& sysroot) {
  std::vector<FileFact> facts;
  auto add = [&](const fs::path& p) {
    if (auto s = stat_file(p)) facts.push_back({p.string(), *s});
  };
  add(rustc);
  std::error_code ec;
  std::vector<fs::path> libs;
  for (const auto& item : fs::directory_iterator(sysroot / "lib", ec)) {
    const std::string name = item.path().filename().string();
    if (name.find(".so") != std::string::npos || name.ends_with(".dylib")) libs.push_back(item.path());
  }
  std::sort(libs.begin(), libs.end());
  for (const auto& lib : libs) add(lib);
  return facts;
}

nlohmann::json stamp_json(const FileStamp& s) { return {s.size, s.mtime_ns, s.inode}; }

bool memo_is_current(const nlohmann::json& memo) {
  for (const auto& file : memo.at("files")) {
    auto stamp = stat_file(file.at("path").get<std::string>());
    if (!stamp || stamp_json(*stamp) != file.at("stamp")) return false;
  }
  return true;
}

}  // namespace

Expected<CompilerIdentity> identify_compiler(const CompilerLookup& lookup, const fs::path& memo_dir) {
  const auto resolved = resolve_real_rustc(lookup);
  if (!resolved) return unexpected(resolved.error());
  const fs::path& rustc = *resolved;
  const fs::path memo_path = memo_dir / (sha256_hex(rustc.string()) + ".json");
  // The memo lies in LARDER_DIR, which CI caches restore from archives: a small regular file,
  // not read through a link, or it is recomputed.
  if (auto text = read_regular_file(memo_path, kMaxMemoSize, Symlinks::Refuse)) {
    try {
      auto memo = nlohmann::json::parse(*text);
      if (memo_is_current(memo)) {
        return CompilerIdentity{rustc.string(), memo.at("sysroot"), memo.at("version"), memo.at("hash")};
      }
    } catch (const std::exception&) {
      // A damaged memo is recomputed below.
    }
  }
  auto version = run_process({rustc.string(), "-vV"}, ProcessOutput::Capture);
  if (!version.started || version.exit_code != 0) {
    return unexpected("`" + rustc.string() + " -vV` failed: " + version.error + version.err);
  }
  auto sysroot_run = run_process({rustc.string(), "--print", "sysroot"}, ProcessOutput::Capture);
  if (!sysroot_run.started || sysroot_run.exit_code != 0) {
    return unexpected("`" + rustc.string() + " --print sysroot` failed");
  }
  const std::string sysroot(trim(sysroot_run.out));
  Hasher hasher;
  hasher.field("version", version.out);
  nlohmann::json files = nlohmann::json::array();
  for (const auto& fact : toolchain_files(rustc, sysroot)) {
    auto digest = xxh3_128_file(fact.path);
    if (!digest) return unexpected("cannot read " + fact.path);
    hasher.field("file", fs::path(fact.path).filename().string());
    hasher.field("hash", *digest);
    files.push_back({{"path", fact.path}, {"stamp", stamp_json(fact.stamp)}});
  }
  CompilerIdentity identity{rustc.string(), sysroot, version.out, hasher.hex_digest()};
  nlohmann::json memo = {{"sysroot", sysroot}, {"version", version.out}, {"hash", identity.hash}, {"files", files}};
  remove_stale_temps(memo_dir);
  (void)write_file_atomic(memo_path, memo.dump());
  return identity;
}

std::string version_line(const CompilerIdentity& identity) {
  return std::string(trim(identity.version_text.substr(0, identity.version_text.find('\n'))));
}

}  // namespace larder::rustc
