#include "rustc/linker_identity.hpp"

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace larder::rustc {

namespace fs = std::filesystem;

namespace {

std::string resolved(const std::string& program) {
  const std::string found = find_in_path(program);
  if (found.empty()) return {};
  std::error_code ec;
  const fs::path canonical = fs::canonical(found, ec);
  return ec ? found : canonical.string();
}

// The linkers chosen with -fuse-ld= in the link arguments (lld, mold, or a path).
std::vector<std::string> fuse_ld_choices(const ParsedArguments& args) {
  std::vector<std::string> names;
  for (const auto& [key, value] : args.codegen) {
    if (key != "link-arg" && key != "link-args") continue;
    const size_t at = value.find("-fuse-ld=");
    if (at == std::string::npos) continue;
    const std::string name = value.substr(at + 9);
    names.push_back(name.substr(0, name.find_first_of(" ,")));
  }
  return names;
}

// The linker programs whose contents identify the link: the driver, the ld it runs, and an
// ld chosen with -fuse-ld.
Expected<std::vector<std::string>> linker_programs(const std::vector<std::string>& fuse_ld, const std::string& driver) {
  std::vector<std::string> programs = {driver};
  auto ld = run_process({driver, "-print-prog-name=ld"}, ProcessOutput::Capture);
  if (ld.started && ld.exit_code == 0) {
    const std::string path = resolved(std::string(trim(ld.out)));
    if (!path.empty()) programs.push_back(path);
  }
  for (const auto& name : fuse_ld) {
    const std::string path = resolved(name.find('/') != std::string::npos ? name : "ld." + name);
    if (path.empty()) return unexpected("linker for -fuse-ld=" + name + " not found");
    programs.push_back(path);
  }
  return programs;
}

}  // namespace

Expected<LinkerIdentity> identify_linker(const ParsedArguments& args, const fs::path& memo_dir) {
  const std::string requested = args.codegen_value("linker").value_or("cc");
  const std::string driver = resolved(requested);
  if (driver.empty()) return unexpected("linker '" + requested + "' not found in PATH");
  const std::vector<std::string> fuse_ld = fuse_ld_choices(args);
  std::string memo_name = driver;
  for (const auto& name : fuse_ld) memo_name += "\n" + name;
  const fs::path memo_path = memo_dir / (sha256_hex(memo_name) + ".json");
  // As the compiler memo (rustc/compiler_identity.cpp): a small regular file, not a link.
  if (auto text = read_regular_file(memo_path, 1 << 20, Symlinks::Refuse)) {
    try {
      auto memo = nlohmann::json::parse(*text);
      bool current = true;
      for (const auto& file : memo.at("files")) {
        auto stamp = stat_file(file.at("path").get<std::string>());
        current = current && stamp && nlohmann::json({stamp->size, stamp->mtime_ns}) == file.at("stamp");
      }
      if (current) return LinkerIdentity{driver, memo.at("version"), memo.at("hash")};
    } catch (const std::exception&) {
      // recomputed below
    }
  }
  auto version = run_process({driver, "--version"}, ProcessOutput::Capture);
  if (!version.started || version.exit_code != 0) return unexpected("`" + driver + " --version` failed");
  const std::string version_line(trim(version.out.substr(0, version.out.find('\n'))));
  Hasher hasher;
  hasher.field("version", version.out);
  nlohmann::json files = nlohmann::json::array();
  const auto programs = linker_programs(fuse_ld, driver);
  if (!programs) return unexpected(programs.error());
  for (const auto& program : *programs) {
    auto digest = xxh3_128_file(program);
    auto stamp = stat_file(program);
    if (!digest || !stamp) return unexpected("cannot read linker " + program);
    hasher.field("program", fs::path(program).filename().string());
    hasher.field("hash", *digest);
    files.push_back({{"path", program}, {"stamp", {stamp->size, stamp->mtime_ns}}});
  }
  LinkerIdentity identity{driver, version_line, hasher.hex_digest()};
  remove_stale_temps(memo_dir);
  (void)write_file_atomic(
      memo_path, nlohmann::json({{"version", version_line}, {"hash", identity.hash}, {"files", files}}).dump());
  return identity;
}

}  // namespace larder::rustc
