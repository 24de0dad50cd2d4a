#include "cli/stats_format.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "cache/object_codec.hpp"
#include "cli/reason_text.hpp"
#include "util/strings.hpp"
#include "version.hpp"

namespace larder::cli {

namespace {

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string percent(double ratio) { return fixed(ratio * 100.0, 1) + " %"; }

std::vector<std::pair<std::string, uint64_t>> reasons_by_count(const cache::StatsCounters& s) {
  std::vector<std::pair<std::string, uint64_t>> reasons(s.not_cached.begin(), s.not_cached.end());
  std::stable_sort(reasons.begin(), reasons.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return reasons;
}

// A table cell: pipes would end it early.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// The per-language counts are worth showing once a language other than Rust was seen.
bool shows_languages(const cache::StatsCounters& s) {
  return s.languages.size() > 1 || (s.languages.size() == 1 && !s.languages.contains("rust"));
}

double language_hit_rate(const cache::LanguageCounters& l) {
  const uint64_t lookups = l.cache_hits + l.cache_misses;
  return lookups == 0 ? 0.0 : static_cast<double>(l.cache_hits) / static_cast<double>(lookups);
}

constexpr size_t kSlowestMisses = 10;
constexpr size_t kTopReasons = 5;
constexpr size_t kCrateExamples = 3;

std::vector<const explain::BuildEvent*> slowest_misses(const std::vector<explain::BuildRecord>& builds) {
  std::vector<const explain::BuildEvent*> misses;
  for (const auto& build : builds) {
    for (const auto& e : build.events) {
      if (e.outcome == explain::BuildOutcome::Miss) misses.push_back(&e);
    }
  }
  std::stable_sort(misses.begin(), misses.end(), [](auto* a, auto* b) { return a->seconds > b->seconds; });
  if (misses.size() > kSlowestMisses) misses.resize(kSlowestMisses);
  return misses;
}

std::string crates_with_reason(const std::vector<explain::BuildRecord>& builds, const std::string& reason) {
  std::vector<std::string> crates;
  for (const auto& build : builds) {
    for (const auto& e : build.events) {
      if (e.outcome != explain::BuildOutcome::NotCached || e.reason != reason) continue;
      if (std::find(crates.begin(), crates.end(), e.crate) == crates.end()) crates.push_back(e.crate);
    }
  }
  std::string text;
  for (size_t i = 0; i < crates.size() && i < kCrateExamples; ++i) text += (i == 0 ? "`" : ", `") + crates[i] + "`";
  if (crates.size() > kCrateExamples) text += " and " + std::to_string(crates.size() - kCrateExamples) + " more";
  return text;
}

uint64_t not_cached_total(const cache::StatsCounters& s) {
  uint64_t total = 0;
  for (const auto& [reason, count] : s.not_cached) total += count;
  return total;
}

}  // namespace

std::string stats_as_json(const cache::StatsCounters& stats) {
  nlohmann::json json = cache::to_json(stats);
  json["version"] = build_info::version;
  // Objects of another format are never read: CI caches name it in their keys.
  json["cache_format"] = cache::kFormatVersion;
  return json.dump(2) + "\n";
}

std::string stats_as_text(const cache::StatsCounters& s) {
  std::ostringstream out;
  auto row = [&](const std::string& label, const std::string& value) {
    char line[160];
    std::snprintf(line, sizeof line, "%-28s %s\n", label.c_str(), value.c_str());
    out << line;
  };
  row("Compile requests", std::to_string(s.compile_requests));
  row("Cache hits", std::to_string(s.cache_hits));
  row("  direct (no rustc run)", std::to_string(s.direct_hits));
  row("Cache misses", std::to_string(s.cache_misses));
  row("Hit rate", percent(s.hit_rate()));
  row("Not cached", std::to_string(not_cached_total(s)));
  row("Not a compilation (probes)", std::to_string(s.not_compilation));
  row("Compile failures", std::to_string(s.compile_failures));
  row("Cache read errors", std::to_string(s.read_errors));
  row("Cache write errors", std::to_string(s.write_errors));
  row("Bytes read from cache", format_size(s.bytes_read));
  row("Bytes written to cache", format_size(s.bytes_written));
  row("Compile time (misses)", fixed(s.compile_seconds, 2) + " s");
  row("Time saved by hits", fixed(s.saved_seconds, 2) + " s");
  if (s.cache_hits > 0) {
    const double hits = static_cast<double>(s.cache_hits);
    row("larder time per hit", fixed(s.wrapper_seconds * 1000.0 / hits, 1) + " ms (" +
                                   fixed(s.restore_seconds * 1000.0 / hits, 1) + " ms of it writing outputs)");
  }
  if (shows_languages(s)) {
    out << "\nBy language:\n";
    for (const auto& [language, l] : s.languages) {
      out << "  " << language << ": " << l.cache_hits << " hits, " << l.cache_misses << " misses ("
          << percent(language_hit_rate(l)) << "), " << l.not_cached << " not cached, " << l.compile_failures
          << " failed; " << fixed(l.saved_seconds, 2) << " s saved\n";
    }
  }
  if (!s.storage.empty()) {
    out << "\nStorage:\n";
    for (const auto& [id, st] : s.storage) {
      out << "  " << st.kind << " " << st.location << ": " << st.call_hits
          << " calls served; objects: " << st.objects.hits << " found, " << st.objects.misses << " not found, "
          << st.objects.writes << " written, " << st.objects.errors << " errors\n";
    }
  }
  if (!s.not_cached.empty()) {
    out << "\nNot cached, by reason:\n";
    for (const auto& [reason, count] : reasons_by_count(s)) {
      auto text = reason_text(reason);
      out << "  " << reason << ": " << count << " (" << text.meaning;
      if (!text.advice.empty()) out << "; " << text.advice;
      out << ")\n";
    }
  }
  return out.str();
}

std::string stats_as_markdown(const cache::StatsCounters& s, const std::vector<explain::BuildRecord>& builds) {
  std::ostringstream out;
  out << "### larder cache: " << percent(s.hit_rate()) << " hit rate\n\n";
  out << "| | |\n|---|---:|\n";
  out << "| Hit rate | " << percent(s.hit_rate()) << " |\n";
  out << "| Hits | " << s.cache_hits << " |\n";
  out << "| Direct hits (no rustc run) | " << s.direct_hits << " |\n";
  out << "| Misses | " << s.cache_misses << " |\n";
  out << "| Not cached | " << not_cached_total(s) << " |\n";
  out << "| Cache errors (read / write) | " << s.read_errors << " / " << s.write_errors << " |\n";
  out << "| Compile failures | " << s.compile_failures << " |\n";
  out << "| Time saved | " << fixed(s.saved_seconds, 1) << " s |\n";
  out << "| Compile time of misses | " << fixed(s.compile_seconds, 1) << " s |\n";
  if (shows_languages(s)) {
    out << "\n| Language | Hits | Misses | Hit rate | Not cached | Time saved |\n|---|---:|---:|---:|---:|---:|\n";
    for (const auto& [language, l] : s.languages) {
      out << "| " << language << " | " << l.cache_hits << " | " << l.cache_misses << " | "
          << percent(language_hit_rate(l)) << " | " << l.not_cached << " | " << fixed(l.saved_seconds, 1) << " s |\n";
    }
  }
  if (s.cache_hits + s.cache_misses + not_cached_total(s) > 0) {
    out << "\n```mermaid\npie title larder: compile requests\n";
    out << "    \"hits\" : " << s.cache_hits << "\n";
    out << "    \"misses\" : " << s.cache_misses << "\n";
    out << "    \"not cached\" : " << not_cached_total(s) << "\n```\n";
  }
  if (const auto misses = slowest_misses(builds); !misses.empty()) {
    out << "\n#### Slowest misses\n\n| Crate | Compile time | Why it missed |\n|---|---:|---|\n";
    for (const auto* e : misses) {
      std::string why;
      for (const auto& reason : e->why) why += (why.empty() ? "" : "; ") + reason;
      for (const auto& advice : e->advice) why += " (what to do: " + advice + ")";
      out << "| `" << e->crate << "` | " << fixed(e->seconds, 2) << " s | " << cell(why) << " |\n";
    }
    out << "\n`larder explain` lists every miss of the latest build with its reasons.\n";
  }
  if (!s.not_cached.empty()) {
    out << "\n| Not cached because | Calls | Crates | What it means | What to do |\n|---|---:|---|---|---|\n";
    const auto reasons = reasons_by_count(s);
    for (size_t i = 0; i < reasons.size() && i < kTopReasons; ++i) {
      const auto& [reason, count] = reasons[i];
      auto text = reason_text(reason);
      out << "| `" << reason << "` | " << count << " | " << crates_with_reason(builds, reason) << " | "
          << cell(text.meaning) << " | " << cell(text.advice) << " |\n";
    }
    if (reasons.size() > kTopReasons) {
      out << "\n" << reasons.size() - kTopReasons << " more reasons: see `larder stats`.\n";
    }
  }
  if (!s.storage.empty()) {
    out << "\n| Storage | Calls served | Objects found | Not found | Written | Errors |\n"
           "|---|---:|---:|---:|---:|---:|\n";
    for (const auto& [id, st] : s.storage) {
      out << "| " << st.kind << " `" << st.location << "` | " << st.call_hits << " | " << st.objects.hits << " | "
          << st.objects.misses << " | " << st.objects.writes << " | " << st.objects.errors << " |\n";
    }
  }
  return out.str();
}

std::string stats_as_openmetrics(const cache::StatsCounters& s) {
  std::ostringstream out;
  auto counter = [&](const std::string& name, const std::string& help, const std::string& value) {
    out << "# TYPE larder_" << name << " counter\n# HELP larder_" << name << " " << help << "\n";
    out << "larder_" << name << "_total " << value << "\n";
  };
  counter("compile_requests", "Wrapper calls.", std::to_string(s.compile_requests));
  counter("cache_hits", "Calls answered from the cache.", std::to_string(s.cache_hits));
  counter("direct_hits", "Hits resolved from a manifest, with no rustc run.", std::to_string(s.direct_hits));
  counter("cache_misses", "Cacheable calls that were compiled.", std::to_string(s.cache_misses));
  counter("compile_failures", "Compilations that failed.", std::to_string(s.compile_failures));
  counter("cache_read_errors", "Cache faults on read.", std::to_string(s.read_errors));
  counter("cache_write_errors", "Cache faults on write.", std::to_string(s.write_errors));
  counter("saved_seconds", "Compile time saved by hits.", fixed(s.saved_seconds, 3));
  out << "# TYPE larder_hit_rate gauge\n# HELP larder_hit_rate Hits over hits plus misses.\n";
  out << "larder_hit_rate " << fixed(s.hit_rate(), 4) << "\n";
  if (!s.languages.empty()) {
    out << "# TYPE larder_language_cache_hits counter\n"
           "# HELP larder_language_cache_hits Calls answered from the cache, by language.\n";
    for (const auto& [language, l] : s.languages)
      out << "larder_language_cache_hits_total{language=\"" << language << "\"} " << l.cache_hits << "\n";
    out << "# TYPE larder_language_cache_misses counter\n"
           "# HELP larder_language_cache_misses Cacheable calls that were compiled, by language.\n";
    for (const auto& [language, l] : s.languages)
      out << "larder_language_cache_misses_total{language=\"" << language << "\"} " << l.cache_misses << "\n";
  }
  out << "# TYPE larder_not_cached counter\n# HELP larder_not_cached Calls that could not be cached, by reason.\n";
  for (const auto& [reason, count] : s.not_cached)
    out << "larder_not_cached_total{reason=\"" << reason << "\"} " << count << "\n";
  out << "# EOF\n";
  return out.str();
}

}  // namespace larder::cli
