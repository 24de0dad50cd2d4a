#include <unistd.h>

#include <chrono>
#include <iostream>

#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "rustc/compiler_identity.hpp"
#include "storage/factory.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

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
  report.check({"read", read_ok ? "works" : (got.outcome == storage::Outcome::Error ? got.error : "the probe written was not read back"),
                read_ok, "check read permission for this location"});
  auto removed = tier.remove(name);
  report.check({"delete", removed.ok ? "works" : removed.error, removed.ok, "check delete permission for this location"});
}

}  // namespace

int doctor_command() {
  const Settings settings = Settings::load();
  Report report;
  std::cout << "settings\n";
  report.line({"config file", settings.config_file() ? settings.config_file()->string() : "(none)", true, ""});
  for (const auto& problem : settings.problems()) report.check({"setting", problem, false, "correct the setting"});

  std::cout << "compiler\n";
  try {
    const char* rustc = std::getenv("RUSTC");
    auto identity = rustc::identify_compiler(
        {rustc ? rustc : "rustc",
         std::getenv("RUSTUP_TOOLCHAIN") ? std::optional<std::string>(std::getenv("RUSTUP_TOOLCHAIN")) : std::nullopt,
         std::getenv("RUSTUP_HOME") ? std::optional<std::string>(std::getenv("RUSTUP_HOME")) : std::nullopt,
         std::getenv("HOME") ? std::optional<std::string>(std::getenv("HOME")) : std::nullopt},
        settings.cache_dir() / "memo" / "compilers");
    report.line({"rustc", rustc::version_line(identity) + " at " + identity.rustc_path, true, ""});
  } catch (const std::exception& error) {
    // Not fatal for the cache: cargo tells larder which rustc to run.
    report.line({"rustc", error.what(), false, "put rustc on PATH or set RUSTC"});
  }

  std::vector<std::string> problems;
  auto tiers = storage::make_storage_tiers(settings, problems);
  for (const auto& problem : problems) report.check({"remote storage", problem, false, "correct LARDER_REMOTE / LARDER_BUCKET"});
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
