#include "explain/miss_reasons.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace larder::explain {

namespace {

// Differences that follow from others (cargo hashes versions, features and dependencies into
// -C metadata and the extern file names): named only when nothing else explains the miss.
bool is_consequence(const KeyComponent& c) {
  if (c.group == "env") return c.name == "OUT_DIR";  // named after a hash of the build script's run
  if (c.group != "arg") return false;
  if (c.name == "--extern") return true;
  return c.name == "-C" && (c.value.starts_with("metadata=") || c.value.starts_with("extra-filename="));
}

// `text` with cargo's 16-hex-digit hashes ("-1aac8ca80ace8547") blanked out.
std::string without_cargo_hashes(std::string_view text) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] != '-' || i + 17 > text.size()) continue;
    const std::string_view digits = text.substr(i + 1, 16);
    const bool ends = i + 17 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 17]));
    if (ends && std::all_of(digits.begin(), digits.end(), hex)) {
      out += '#';
      i += 16;
    }
  }
  return out;
}

// A folder or file that cargo renamed because its hash of the unit changed: a consequence.
bool only_cargo_hash_differs(const KeyComponent& a, const KeyComponent& b) {
  return a.group == "arg" && a.value != b.value && without_cargo_hashes(a.value) == without_cargo_hashes(b.value);
}

// Components that are compared as one value per key: a changed value is "changed", not
// "added" plus "removed". -C and -Z options are keyed by their option name.
std::string compare_key(const KeyComponent& c) {
  if (c.group == "compiler" || c.group == "linker") return c.group;
  if (c.group == "arg" && (c.name == "-C" || c.name == "-Z")) {
    return c.group + '\0' + c.name + '\0' + c.value.substr(0, c.value.find('='));
  }
  return c.group + '\0' + c.name;
}

std::string render_arg(const std::string& flag, const std::string& value) {
  if (flag.empty()) return "input " + value;
  if (value.empty()) return flag;
  return flag + " " + value;
}

std::string version_of(const std::string& line) {
  // "rustc 1.95.0 (59807616e 2026-04-14)" -> "1.95.0"
  const size_t space = line.find(' ');
  if (space == std::string::npos) return line;
  const size_t end = line.find(' ', space + 1);
  return line.substr(space + 1, end == std::string::npos ? std::string::npos : end - space - 1);
}

std::string tool_change(const std::string& what, const KeyComponent& a, const KeyComponent& b) {
  if (a.name != b.name) {
    const std::string va = version_of(a.name), vb = version_of(b.name);
    const std::string tool = a.name.substr(0, a.name.find(' '));
    if (va != vb && tool == b.name.substr(0, b.name.find(' '))) return tool + " " + va + " -> " + vb;
    return what + " " + a.name + " -> " + b.name;
  }
  return what + " files changed (same " + a.name + "): another build or installation of it";
}

std::string change_of(const KeyComponent& a, const KeyComponent& b,
                      const std::function<bool(std::string_view)>& rebuilt) {
  if (a.group == "larder")
    return "larder's cache format changed (" + a.value + " -> " + b.value + "): another larder release";
  if (a.group == "compiler") return tool_change("compiler", a, b);
  if (a.group == "linker") return tool_change("linker", a, b);
  if (a.group == "arg") {
    if (a.name == "-C" || a.name == "-Z") {
      const size_t eq = a.value.find('=');
      const std::string option = a.value.substr(0, eq);
      auto value_of = [](const std::string& v) {
        const size_t e = v.find('=');
        return e == std::string::npos ? std::string("(no value)") : v.substr(e + 1);
      };
      return "argument " + a.name + " " + option + " changed: " + value_of(a.value) + " -> " + value_of(b.value);
    }
    return "argument " + (a.name.empty() ? std::string("input") : a.name) + " changed: " + a.value + " -> " + b.value;
  }
  if (a.group == "extern") {
    return "extern " + a.name + " changed" + (rebuilt(a.name) ? " (its own miss)" : "");
  }
  if (a.group == "env") return "env " + a.name + " changed";
  if (a.group == "native-lib") return "native library " + a.name + " changed";
  if (a.group == "target-spec") return "target spec " + a.name + " changed";
  if (a.group == "cwd") return "working directory changed: " + a.value + " -> " + b.value;
  return a.group + " " + a.name + " changed";
}

enum class Presence { Added, Removed };

std::string presence_of(const KeyComponent& c, Presence presence) {
  const bool added = presence == Presence::Added;
  const std::string verb = added ? " added" : " removed";
  if (c.group == "arg") return "argument " + render_arg(c.name, c.value) + verb;
  if (c.group == "extern") return "extern " + c.name + verb;
  if (c.group == "env") return "env " + c.name + (added ? " set" : " unset");
  if (c.group == "native-lib") return "native library " + c.name + verb;
  if (c.group == "target-spec") return "target spec " + c.name + verb;
  if (c.group == "remap") return "base folder " + c.name + verb + " (LARDER_BASEDIRS or the checkout layout)";
  if (c.group == "linker") return "linker " + c.name + verb;
  if (c.group == "compiler") return "compiler " + c.name + verb;
  if (c.group == "larder") return "larder's cache format changed: another larder release";
  return c.group + " " + c.name + verb;
}

using Grouped = std::map<std::string, std::vector<const KeyComponent*>>;

Grouped group_components(const std::vector<KeyComponent>& components) {
  Grouped grouped;
  for (const auto& c : components) grouped[compare_key(c)].push_back(&c);
  return grouped;
}

// Changes among the call-key components: [primary, consequences].
std::pair<std::vector<std::string>, std::vector<std::string>> component_changes(
    const KeyRecord& before, const KeyRecord& now, const std::function<bool(std::string_view)>& rebuilt) {
  std::vector<std::string> primary, consequences;
  const Grouped a = group_components(before.components);
  const Grouped b = group_components(now.components);
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  auto order = [](const KeyComponent& c) {
    static const std::vector<std::string> groups = {"larder",     "compiler",    "linker", "arg", "extern",
                                                    "native-lib", "target-spec", "env",    "cwd", "remap"};
    auto it = std::find(groups.begin(), groups.end(), c.group);
    return static_cast<size_t>(it - groups.begin());
  };
  std::vector<std::pair<size_t, std::pair<bool, std::string>>> found;  // (order, (consequence, text))
  for (const auto& key : keys) {
    static const std::vector<const KeyComponent*> none;
    const auto& old_values = a.contains(key) ? a.at(key) : none;
    const auto& new_values = b.contains(key) ? b.at(key) : none;
    const KeyComponent& sample = old_values.empty() ? *new_values.front() : *old_values.front();
    if (old_values.size() == 1 && new_values.size() == 1) {
      const KeyComponent& x = *old_values.front();
      const KeyComponent& y = *new_values.front();
      if (x.name != y.name || x.value != y.value) {
        const bool consequence = is_consequence(x) || only_cargo_hash_differs(x, y);
        found.push_back({order(sample), {consequence, change_of(x, y, rebuilt)}});
      }
      continue;
    }
    auto contains = [](const std::vector<const KeyComponent*>& list, const KeyComponent& c) {
      return std::any_of(list.begin(), list.end(),
                         [&](const KeyComponent* o) { return o->name == c.name && o->value == c.value; });
    };
    for (const KeyComponent* c : old_values) {
      if (!contains(new_values, *c))
        found.push_back({order(*c), {is_consequence(*c), presence_of(*c, Presence::Removed)}});
    }
    for (const KeyComponent* c : new_values) {
      if (!contains(old_values, *c))
        found.push_back({order(*c), {is_consequence(*c), presence_of(*c, Presence::Added)}});
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [rank, item] : found) (item.first ? consequences : primary).push_back(item.second);
  return {primary, consequences};
}

// What pair_changes compares: source files (path, hash) or env-dep variables (name, hash of the
// value, empty when unset).
enum class Pairs { Sources, EnvDeps };

std::vector<std::string> pair_changes(const std::vector<std::pair<std::string, std::string>>& before,
                                      const std::vector<std::pair<std::string, std::string>>& now, Pairs pairs) {
  const bool env = pairs == Pairs::EnvDeps;
  std::vector<std::string> out;
  std::map<std::string, std::string> old_map(before.begin(), before.end());
  std::map<std::string, std::string> new_map(now.begin(), now.end());
  for (const auto& [name, hash] : new_map) {
    auto it = old_map.find(name);
    if (env) {
      const bool was_set = it != old_map.end() && !it->second.empty();
      if (it == old_map.end() ? !hash.empty() : it->second != hash) {
        out.push_back("env " + name + (hash.empty() ? " unset" : was_set ? " changed" : " set"));
      }
    } else if (it == old_map.end()) {
      out.push_back(name + " added");
    } else if (it->second != hash) {
      out.push_back(name + " changed");
    }
  }
  for (const auto& [name, hash] : old_map) {
    if (new_map.contains(name)) continue;
    if (env) {
      if (!hash.empty()) out.push_back("env " + name + " no longer read");
    } else {
      out.push_back(name + " no longer read");
    }
  }
  return out;
}

// A changed package version also changes its parts; naming the version is enough.
void drop_version_parts(std::vector<std::string>& reasons) {
  if (std::find(reasons.begin(), reasons.end(), "env CARGO_PKG_VERSION changed") == reasons.end()) return;
  reasons.erase(std::remove_if(reasons.begin(), reasons.end(),
                               [](const std::string& r) { return r.starts_with("env CARGO_PKG_VERSION_"); }),
                reasons.end());
}

void drop_duplicates(std::vector<std::string>& reasons) {
  std::set<std::string> seen;
  reasons.erase(
      std::remove_if(reasons.begin(), reasons.end(), [&](const std::string& r) { return !seen.insert(r).second; }),
      reasons.end());
}

size_t difference_count(const KeyRecord& a, const KeyRecord& b) {
  auto [primary, consequences] = component_changes(a, b, [](std::string_view) { return false; });
  return primary.size() + consequences.size() + pair_changes(a.sources, b.sources, Pairs::Sources).size() +
         pair_changes(a.env_deps, b.env_deps, Pairs::EnvDeps).size();
}

}  // namespace

const KeyRecord* closest_record(const std::vector<KeyRecord>& earlier, const KeyRecord& now) {
  const bool same_metadata = std::any_of(earlier.begin(), earlier.end(), [&](const KeyRecord& r) {
    return !now.metadata.empty() && r.metadata == now.metadata;
  });
  const KeyRecord* best = nullptr;
  size_t best_count = 0;
  for (const auto& record : earlier) {
    if (same_metadata && record.metadata != now.metadata) continue;
    const size_t count = difference_count(record, now);
    if (best == nullptr || count < best_count || (count == best_count && record.time_ms > best->time_ms)) {
      best = &record;
      best_count = count;
    }
  }
  return best;
}

std::vector<std::string> explain_changes(const KeyRecord& before, const KeyRecord& now,
                                         const std::function<bool(std::string_view)>& rebuilt) {
  auto [reasons, consequences] = component_changes(before, now, rebuilt);
  for (auto& r : pair_changes(before.sources, now.sources, Pairs::Sources)) {
    // Crates read by the linker change with their externs, which are already named; a build
    // script's output folder is renamed whenever cargo's hash of its run changes.
    const bool crate_file = r.find(".rlib ") != std::string::npos || r.find(".rmeta ") != std::string::npos;
    const bool moved_output =
        !r.ends_with(" changed") && r.find("/build/") != std::string::npos && r.find("/out/") != std::string::npos;
    (crate_file || moved_output ? consequences : reasons).push_back(std::move(r));
  }
  for (auto& r : pair_changes(before.env_deps, now.env_deps, Pairs::EnvDeps)) {
    (r.starts_with("env OUT_DIR ") ? consequences : reasons).push_back(std::move(r));
  }
  if (reasons.empty()) reasons = std::move(consequences);
  drop_version_parts(reasons);
  drop_duplicates(reasons);
  return reasons;
}

std::vector<std::string> explain_manifest_mismatch(const cache::Manifest& manifest, const CurrentInputs& now) {
  std::vector<std::string> best;
  bool have_best = false;
  for (const auto& result : manifest.results) {
    std::vector<std::string> reasons;
    for (const auto& pinned : result.pinned_dirs) {
      if (now.base_dir(pinned.marker) != pinned.path) {
        reasons.push_back("its outputs contain the path of " + pinned.marker + ", which is elsewhere in this checkout");
      }
    }
    for (const auto& dep : result.env_deps) {
      const std::string hash = now.env_hash(dep);
      if (hash == dep.value_hash) continue;
      reasons.push_back("env " + dep.name + (hash.empty() ? " unset" : dep.value_hash.empty() ? " set" : " changed"));
    }
    for (const auto& absent : result.must_be_absent) {
      if (now.exists(absent)) reasons.push_back(absent + " appeared (it changes which file a `mod` reads)");
    }
    for (const auto& source : result.sources) {
      auto hash = now.source_hash(source.path);
      if (!hash)
        reasons.push_back(source.path + " is gone");
      else if (*hash != source.hash)
        reasons.push_back(source.path + " changed");
    }
    if (!have_best || reasons.size() < best.size()) {
      best = std::move(reasons);
      have_best = true;
    }
  }
  drop_duplicates(best);
  return best;
}

std::vector<std::string> capped(std::vector<std::string> reasons) {
  if (reasons.size() <= kMaxReasons) return reasons;
  const size_t more = reasons.size() - kMaxReasons;
  reasons.resize(kMaxReasons);
  reasons.push_back("and " + std::to_string(more) + " more change" + (more == 1 ? "" : "s"));
  return reasons;
}

}  // namespace larder::explain
