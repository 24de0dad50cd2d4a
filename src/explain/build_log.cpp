#include "explain/build_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>

#include "util/files.hpp"
#include "util/folder_budget.hpp"
#include "util/strings.hpp"

namespace larder::explain {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSuffix = ".jsonl";

// From /proc/PID/stat: the parent pid (field 4) and start time in clock ticks (field 22).
// The command name (field 2) may hold spaces and parentheses: parse after its last ')'.
struct ProcFacts {
  std::string name;
  long parent = 0;
  std::string start;
};

std::optional<ProcFacts> proc_facts(long pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  const size_t open = text->find('(');
  const size_t close = text->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcFacts facts;
  facts.name = text->substr(open + 1, close - open - 1);
  const auto fields = split(std::string_view(*text).substr(close + 1), ' ');
  // fields[0] is empty (the space after ')'), [1] state, [2] ppid, … [20] starttime
  if (fields.size() < 21) return std::nullopt;
  try {
    facts.parent = std::stol(fields[2]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  facts.start = fields[20];
  return facts;
}

constexpr std::array<std::string_view, 5> kOutcomeWords = {"start", "miss", "hit", "failed", "not-cached"};

nlohmann::json to_json(const BuildEvent& e) {
  nlohmann::json j = {{"time_ms", e.time_ms}, {"crate", e.crate}, {"outcome", outcome_word(e.outcome)}};
  if (!e.language.empty()) j["language"] = e.language;
  // Microseconds are plenty, and short lines keep a large workspace's build in the log's cap.
  auto rounded = [](double seconds) { return std::round(seconds * 1e6) / 1e6; };
  if (e.seconds > 0) j["seconds"] = rounded(e.seconds);
  if (e.write_seconds > 0) j["write_seconds"] = rounded(e.write_seconds);
  if (!e.reason.empty()) j["reason"] = e.reason;
  if (!e.why.empty()) j["why"] = e.why;
  if (!e.advice.empty()) j["advice"] = e.advice;
  return j;
}

BuildEvent event_from_json(const nlohmann::json& j) {
  BuildEvent e;
  e.time_ms = j.at("time_ms").get<int64_t>();
  e.crate = j.at("crate").get<std::string>();
  const auto outcome = outcome_of_word(j.at("outcome").get<std::string>());
  if (!outcome) throw std::invalid_argument("unknown outcome");
  e.outcome = *outcome;
  e.language = j.value("language", "");
  e.seconds = j.value("seconds", 0.0);
  e.write_seconds = j.value("write_seconds", 0.0);
  e.reason = j.value("reason", "");
  e.why = j.value("why", std::vector<std::string>{});
  e.advice = j.value("advice", std::vector<std::string>{});
  return e;
}

int64_t mtime_ms(const fs::path& path) {
  auto stamp = stat_file(path);
  return stamp ? stamp->mtime_ns / 1000000 : 0;
}

std::string find_build_id() {
  const long parent = static_cast<long>(::getppid());
  const auto parent_facts = proc_facts(parent);
  // cargo runs the wrapper directly; build scripts that run rustc themselves sit between.
  long pid = parent;
  auto facts = parent_facts;
  for (int depth = 0; depth < 4 && facts; ++depth) {
    if (facts->name == "cargo" || facts->name.starts_with("cargo-")) return std::to_string(pid) + "-" + facts->start;
    pid = facts->parent;
    if (pid <= 1) break;
    facts = proc_facts(pid);
  }
  return std::to_string(parent) + (parent_facts ? "-" + parent_facts->start : "");
}

}  // namespace

std::string_view outcome_word(BuildOutcome outcome) { return kOutcomeWords[static_cast<size_t>(outcome)]; }

std::optional<BuildOutcome> outcome_of_word(std::string_view word) {
  for (size_t i = 0; i < kOutcomeWords.size(); ++i) {
    if (kOutcomeWords[i] == word) return static_cast<BuildOutcome>(i);
  }
  return std::nullopt;
}

// Found once per process: a wrapper asks for it several times, and each search reads up to
// five /proc/<pid>/stat files.
std::string current_build_id() {
  static const std::string id = find_build_id();
  return id;
}

fs::path BuildLog::file_for(const std::string& build_id) const { return dir_ / (build_id + std::string(kSuffix)); }

bool BuildLog::append(const std::string& build_id, const BuildEvent& event) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path path = file_for(build_id);
  const std::string line = to_json(event).dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool written = false;
  bool created = false;
  while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {}
  struct stat st {};
  if (::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) + line.size() <= kBuildLogCapBytes) {
    created = st.st_size == 0;
    written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  }
  ::close(fd);
  // A new build: make room for it among the kept ones.
  if (created) prune_oldest(dir_, kSuffix, kBuildLogBudgetBytes, kMaxBuildLogs);
  return written;
}

std::optional<BuildRecord> BuildLog::read(const std::string& build_id) const {
  const fs::path path = file_for(build_id);
  auto text = read_regular_file(path, 64 << 20, Symlinks::Refuse);
  if (!text) return std::nullopt;
  BuildRecord record;
  record.id = build_id;
  record.modified_ms = mtime_ms(path);
  for (const auto& line : split(*text, '\n')) {
    if (trim(line).empty()) continue;
    try {
      record.events.push_back(event_from_json(nlohmann::json::parse(line)));
    } catch (const std::exception&) {
      // a damaged line (a crash mid-write) is skipped
    }
  }
  return record;
}

std::vector<BuildRecord> BuildLog::read_all() const {
  std::vector<BuildRecord> builds;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir_, ec)) {
    const std::string name = item.path().filename().string();
    if (!name.ends_with(kSuffix)) continue;
    if (auto record = read(name.substr(0, name.size() - kSuffix.size()))) builds.push_back(std::move(*record));
  }
  std::sort(builds.begin(), builds.end(),
            [](const BuildRecord& a, const BuildRecord& b) { return a.modified_ms > b.modified_ms; });
  return builds;
}

std::set<std::string, std::less<>> BuildLog::rebuilt_crates(const std::string& build_id) const {
  std::set<std::string, std::less<>> crates;
  if (auto record = read(build_id)) {
    for (const auto& e : record->events) {
      if (e.outcome == BuildOutcome::Start || e.outcome == BuildOutcome::Miss) crates.insert(e.crate);
    }
  }
  return crates;
}

void BuildLog::clear() const {
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir_, ec)) {
    if (item.path().filename().string().ends_with(kSuffix)) fs::remove(item.path(), ec);
  }
}

}  // namespace larder::explain
