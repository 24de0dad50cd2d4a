#include "cli/explain_format.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "cli/reason_text.hpp"

namespace larder::cli {

namespace {

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f s", seconds);
  return buffer;
}

// A call's language as the log wrote it: logs from before C calls were cached hold Rust only.
std::string language_of(const explain::BuildEvent& e) { return e.language.empty() ? "rust" : e.language; }

// "serde", or "csrc/add.c (c)" for a call of another language than Rust.
std::string call_name(const explain::BuildEvent& e) {
  const std::string language = language_of(e);
  return language == "rust" ? e.crate : e.crate + " (" + language + ")";
}

struct Outcomes {
  size_t hits = 0;
  std::map<std::string, size_t> hits_by_language;
  std::vector<std::string> hit_crates;
  std::vector<const explain::BuildEvent*> misses, not_cached, failed;
  // larder's time per hit, in milliseconds: in all, and without writing the outputs. Hits
  // logged by releases that did not record it are left out.
  std::vector<double> hit_ms, hit_ms_without_writes;
};

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string milliseconds_text(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f ms", ms);
  return buffer;
}

Outcomes outcomes_of(const explain::BuildRecord& build, const std::optional<std::string>& crate) {
  Outcomes o;
  for (const auto& e : build.events) {
    if (crate && e.crate != *crate) continue;
    if (e.outcome == explain::BuildOutcome::Hit) {
      o.hits++;
      o.hits_by_language[language_of(e)]++;
      o.hit_crates.push_back(e.crate);
      if (e.seconds > 0) {
        o.hit_ms.push_back(e.seconds * 1000);
        o.hit_ms_without_writes.push_back((e.seconds - e.write_seconds) * 1000);
      }
    } else if (e.outcome == explain::BuildOutcome::Miss)
      o.misses.push_back(&e);
    else if (e.outcome == explain::BuildOutcome::NotCached)
      o.not_cached.push_back(&e);
    else if (e.outcome == explain::BuildOutcome::Failed)
      o.failed.push_back(&e);
  }
  std::stable_sort(o.misses.begin(), o.misses.end(), [](auto* a, auto* b) { return a->seconds > b->seconds; });
  return o;
}

}  // namespace

std::string explain_as_text(const explain::BuildRecord& build, const std::optional<std::string>& crate) {
  const Outcomes o = outcomes_of(build, crate);
  std::ostringstream out;
  out << "Latest build" << (crate ? ", crate " + *crate : std::string()) << ": " << o.hits << " hits, "
      << o.misses.size() << " misses, " << o.not_cached.size() << " not cached, " << o.failed.size() << " failed\n";
  if (o.hits_by_language.size() > 1 || (o.hits_by_language.size() == 1 && !o.hits_by_language.contains("rust"))) {
    out << "Hits by language:";
    for (const auto& [language, count] : o.hits_by_language) out << " " << language << " " << count;
    out << "\n";
  }
  if (!o.hit_ms.empty()) {
    out << "larder's time per hit: median " << milliseconds_text(median_of(o.hit_ms)) << ", "
        << milliseconds_text(median_of(o.hit_ms_without_writes)) << " without writing the outputs\n";
  }
  if (o.misses.empty() && o.not_cached.empty() && o.failed.empty()) {
    out << (o.hits > 0 ? "Every cacheable call was a hit: nothing to explain.\n"
                       : "No call of this crate in the latest build.\n");
    return out.str();
  }
  if (!o.misses.empty()) {
    out << "\nMisses, slowest first:\n";
    for (const auto* e : o.misses) {
      out << "  " << call_name(*e) << " (" << seconds_text(e->seconds) << ")\n";
      for (const auto& why : e->why) out << "    - " << why << "\n";
      for (const auto& advice : e->advice) out << "    what to do: " << advice << "\n";
    }
  }
  if (!o.not_cached.empty()) {
    // One block per reason: its meaning and advice are the same for every crate it hit.
    std::vector<std::pair<std::string, std::vector<std::string>>> by_reason;
    for (const auto* e : o.not_cached) {
      auto it = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& r) { return r.first == e->reason; });
      if (it == by_reason.end()) it = by_reason.insert(by_reason.end(), {e->reason, {}});
      it->second.push_back(call_name(*e));
    }
    out << "\nNot cached:\n";
    for (const auto& [reason, crates] : by_reason) {
      const auto text = reason_text(reason);
      out << "  " << reason << " (" << crates.size() << (crates.size() == 1 ? " call" : " calls") << "):";
      for (size_t i = 0; i < crates.size(); ++i) out << (i == 0 ? " " : ", ") << crates[i];
      out << "\n    " << text.meaning << "\n";
      if (!text.advice.empty()) out << "    what to do: " << text.advice << "\n";
    }
  }
  if (!o.failed.empty()) {
    out << "\nFailed (only clippy's denied lints are cached; other failures compile again):\n";
    for (const auto* e : o.failed) out << "  " << call_name(*e) << " (" << seconds_text(e->seconds) << ")\n";
  }
  return out.str();
}

std::string explain_as_json(const explain::BuildRecord& build, const std::optional<std::string>& crate) {
  const Outcomes o = outcomes_of(build, crate);
  nlohmann::json misses = nlohmann::json::array(), not_cached = nlohmann::json::array(),
                 failed = nlohmann::json::array();
  for (const auto* e : o.misses) {
    misses.push_back({{"crate", e->crate},
                      {"language", language_of(*e)},
                      {"seconds", e->seconds},
                      {"why", e->why},
                      {"advice", e->advice}});
  }
  for (const auto* e : o.not_cached) {
    const auto text = reason_text(e->reason);
    not_cached.push_back({{"crate", e->crate},
                          {"language", language_of(*e)},
                          {"reason", e->reason},
                          {"meaning", text.meaning},
                          {"advice", text.advice}});
  }
  for (const auto* e : o.failed) {
    failed.push_back({{"crate", e->crate}, {"language", language_of(*e)}, {"seconds", e->seconds}});
  }
  nlohmann::json json = {{"build", build.id},
                         {"hits", o.hits},
                         {"hit_crates", o.hit_crates},
                         {"misses", misses},
                         {"not_cached", not_cached},
                         {"failed", failed},
                         {"hits_by_language", o.hits_by_language}};
  if (!o.hit_ms.empty()) {
    json["hit_ms"] = {{"median", median_of(o.hit_ms)}, {"median_without_writes", median_of(o.hit_ms_without_writes)}};
  }
  return json.dump(2) + "\n";
}

}  // namespace larder::cli
