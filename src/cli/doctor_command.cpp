#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <chrono>
#include <iostream>

#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "rustc/compiler_identity.hpp"
#include "storage/factory.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

namespace larder::cli {

namespace {

struct Report {
  bool usable = true;

  void line(const storage::DoctorLine& l) {
    std::cout << (l.ok ? "  ok    " : "  FAIL  ") << l.label;
    if (!l.detail.empty()) std::cout << ": " << l.detail;
    std::cout << "\n";
    if (!l.ok && !l.fix.empty()) std::cout << "        fix: " << l.fix << "\n";
  }
  void check(const storage::DoctorLine& l) {
    usable = usable && l.ok;
    line(l);
  }
};

// Write, read back and delete a probe object: the operations a build performs.
void probe(storage::Storage& tier, bool read_only, Report& report) {
  const std::string name =
      sha256_hex("larder-doctor-" + std::to_string(::getpid()) + std::to_string(now_ns())) + ".doctor";
  if (read_only) {
    auto got = tier.get(name);
    report.check({"read", got.outcome == storage::Outcome::Error ? got.error : "works (read-only: no write probe)",
                  got.outcome != storage::Outcome::Error, "see the error above"});
    return;
  }
  const std::string payload = "larder doctor probe " + name;
  auto put = tier.put(name, payload);
  report.check({"write", put.ok ? "works" : put.error, put.ok, "check write permission for this location"});
  if (!put.ok) return;
  auto got = tier.get(name);
  const bool read_ok = got.outcome == storage::Outcome::Ok && got.data == payload;
  report.check(
      {"read",
       read_ok ? "works" : (got.outcome == storage::Outcome::Error ? got.error : "the probe written was not read back"),
       read_ok, "check read permission for this location"});
  auto removed = tier.remove(name);
  report.check(
      {"delete", removed.ok ? "works" : removed.error, removed.ok, "check delete permission for this location"});
}

// Free space and inodes on the disk of LARDER_DIR: on a full disk every store fails. "Full"
// is relative, so that a small disk that is mostly free passes: less than 64 MiB or 5% of it.
void check_disk(const std::filesystem::path& larder_dir, Report& report) {
  std::filesystem::path probe = larder_dir;
  struct statvfs disk {};
  while (::statvfs(probe.c_str(), &disk) != 0) {
    if (!probe.has_parent_path() || probe.parent_path() == probe) {
      report.check({"disk", "cannot inspect the disk of " + larder_dir.string() + ": " + std::strerror(errno), false,
                    "set LARDER_DIR to a folder larder can create"});
      return;
    }
    probe = probe.parent_path();
  }
  constexpr uint64_t kEnoughBytes = 64ULL << 20;
  constexpr uint64_t kEnoughInodes = 1000;
  const uint64_t total = static_cast<uint64_t>(disk.f_blocks) * disk.f_frsize;
  const uint64_t free_bytes = static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize;
  const bool space_ok = free_bytes >= std::min(kEnoughBytes, total / 20);
  // Some file systems (btrfs, overlay on it) report no inode count: no inode limit.
  const bool inodes_ok = disk.f_files == 0 || disk.f_favail >= std::min<uint64_t>(kEnoughInodes, disk.f_files / 20);
  std::string detail = format_size(free_bytes) + " free of " + format_size(total);
  if (disk.f_files != 0)
    detail += ", " + std::to_string(disk.f_favail) + " of " + std::to_string(disk.f_files) + " inodes free";
  if (!space_ok || !inodes_ok) {
    detail = "the disk of " + larder_dir.string() + " is full (" + detail + "): nothing can be stored";
  }
  report.check({"disk", detail, space_ok && inodes_ok,
                "free space on that disk, or lower LARDER_CACHE_SIZE and run `larder cache trim`, or set LARDER_DIR "
                "to a folder on a larger disk"});
}

}  // namespace

int doctor_command() {
  const Settings settings = Settings::load();
  Report report;
  std::cout << "settings\n";
  report.line({"config file", settings.config_file() ? settings.config_file()->string() : "(none)", true, ""});
  for (const auto& problem : settings.problems()) report.check({"setting", problem, false, "correct the setting"});

  std::cout << "cache folder: " << settings.cache_dir().string() << "\n";
  check_disk(settings.cache_dir(), report);

  std::cout << "compiler\n";
  const char* rustc = std::getenv("RUSTC");
  const auto identity = rustc::identify_compiler(
      {rustc ? rustc : "rustc", env_value("RUSTUP_TOOLCHAIN"), env_value("RUSTUP_HOME"), env_value("HOME")},
      settings.cache_dir() / "memo" / "compilers");
  if (identity) {
    report.line({"rustc", rustc::version_line(*identity) + " at " + identity->rustc_path, true, ""});
  } else {
    // Not fatal for the cache: cargo tells larder which rustc to run.
    report.line({"rustc", identity.error(), false, "put rustc on PATH or set RUSTC"});
  }

  auto [tiers, problems] = storage::make_storage_tiers(settings);
  for (const auto& problem : problems)
    report.check({"remote storage", problem, false, "correct LARDER_REMOTE / LARDER_BUCKET"});
  const bool read_only = settings.flag("LARDER_READ_ONLY");
  for (size_t i = 0; i < tiers.size(); ++i) {
    auto& tier = *tiers[i];
    std::cout << tier.kind() << " storage: " << tier.location() << (i > 0 && read_only ? " (read-only)" : "") << "\n";
    for (const auto& line : tier.diagnose()) report.check(line);
    probe(tier, i > 0 && read_only, report);
  }
  std::cout << (report.usable ? "\nthe cache is usable\n" : "\nthe cache is NOT fully usable: see FAIL lines above\n");
  return report.usable ? 0 : 1;
}

}  // namespace larder::cli
