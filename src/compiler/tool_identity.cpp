#include "compiler/tool_identity.hpp"

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace larder::compiler {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMaxMemoSize = 1 << 20;

nlohmann::json stamp_json(const FileStamp& s) { return {s.size, s.mtime_ns, s.inode}; }

}  // namespace

Expected<ToolIdentity> identify_tool(const std::string& program, const std::vector<std::string>& version_args,
                                     const fs::path& memo_dir) {
  const std::string found = find_in_path(program);
  if (found.empty()) return unexpected("'" + program + "' not found in PATH");
  std::error_code ec;
  const fs::path binary = fs::canonical(found, ec);
  if (ec) return unexpected("cannot resolve " + found + ": " + ec.message());
  const auto stamp = stat_file(binary);
  if (!stamp) return unexpected("cannot read " + binary.string());
  // Keyed by the name too: a driver acts on the name it is called by (clang++ compiles .c files
  // as C++).
  std::string memo_key = found + '\0' + binary.string();
  for (const auto& arg : version_args) memo_key += '\0' + arg;
  const fs::path memo_path = memo_dir / (sha256_hex(memo_key) + ".json");
  // The memo lies in LARDER_DIR, which CI caches restore from archives: a small regular file,
  // not read through a link, or it is recomputed.
  if (auto text = read_regular_file(memo_path, kMaxMemoSize, Symlinks::Refuse)) {
    try {
      auto memo = nlohmann::json::parse(*text);
      if (memo.at("stamp") == stamp_json(*stamp)) {
        return ToolIdentity{binary.string(), memo.at("version"), memo.at("hash")};
      }
    } catch (const std::exception&) {
      // A damaged memo is recomputed below.
    }
  }
  std::vector<std::string> argv{found};
  argv.insert(argv.end(), version_args.begin(), version_args.end());
  auto version = run_process(argv, ProcessOutput::Capture);
  if (!version.started || version.exit_code != 0) {
    std::string command = found;
    for (const auto& arg : version_args) command += " " + arg;
    return unexpected("`" + command + "` failed: " + version.error + version.err);
  }
  auto digest = xxh3_128_file(binary);
  if (!digest) return unexpected("cannot read " + binary.string());
  Hasher hasher;
  hasher.field("name", fs::path(found).filename().string());
  hasher.field("version", version.out + version.err);
  hasher.field("binary", *digest);
  ToolIdentity identity{binary.string(), version.out + version.err, hasher.hex_digest()};
  nlohmann::json memo = {{"version", identity.version_text}, {"hash", identity.hash}, {"stamp", stamp_json(*stamp)}};
  remove_stale_temps(memo_dir);
  (void)write_file_atomic(memo_path, memo.dump());
  return identity;
}

std::string first_line(const std::string& text) { return std::string(trim(text.substr(0, text.find('\n')))); }

}  // namespace larder::compiler
