#include "config/settings.hpp"

// toml++ 3.3 asserts its parser's preconditions, and some fail on malformed files (a time
// without digits, found by fuzz/settings_toml) where the release build, whose asserts are off,
// reports a parse error: debug, sanitizer and fuzz builds parse as the shipped binary does.
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "config/setting_checks.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/with_problems.hpp"

namespace larder {

namespace fs = std::filesystem;

const std::vector<SettingSpec>& known_settings() {
  static const std::vector<SettingSpec> specs = {
      {"LARDER_DIR", nullptr, "local cache, stats and memo files ($XDG_CACHE_HOME/larder, else ~/.cache/larder)", false,
       SettingKind::AbsolutePath},
      {"LARDER_CACHE_SIZE", "10G", "local cache size limit (e.g. 10G, 500M)", false, SettingKind::Size},
      {"LARDER_LOG", "warn", "log level: off, error, warn, info, debug, trace", false, SettingKind::LogLevel},
      {"LARDER_LOG_FILE", nullptr, "log file (else stderr)", false},
      {"LARDER_DISABLE", nullptr, "1: pass every call straight to rustc", false, SettingKind::Flag},
      {"LARDER_RECACHE", nullptr, "1: compile and overwrite entries", false, SettingKind::Flag},
      {"LARDER_BASEDIRS", nullptr,
       "folders whose absolute paths are made relative in keys (default: workspace root, CARGO_HOME, target dir); "
       "'none' turns it off",
       false},
      {"LARDER_CACHE_LINKED", "1",
       "0: do not cache linked crates (bin, proc-macro, dylib, cdylib, build scripts, tests)", false,
       SettingKind::Flag},
      {"LARDER_BUCKET", nullptr, "S3 bucket", false, SettingKind::Bucket},
      {"LARDER_REGION", nullptr, "S3 region (else AWS_REGION, AWS_DEFAULT_REGION, profile, detected)", false},
      {"LARDER_ENDPOINT", nullptr, "endpoint of an S3-compatible store", false, SettingKind::HttpUrl},
      {"LARDER_S3_KEY_PREFIX", nullptr, "key prefix in the bucket", false},
      {"LARDER_S3_PATH_STYLE", nullptr, "1: path-style addressing", false, SettingKind::Flag},
      {"LARDER_S3_NO_CREDENTIALS", nullptr, "1: anonymous (read-only) access", false, SettingKind::Flag},
      {"LARDER_S3_SSE", nullptr, "server-side encryption: AES256 or aws:kms[:key-id]", false},
      {"LARDER_REMOTE", nullptr,
       "other remotes by URL, comma-separated: redis://, rediss://, memcached://, http(s)://, azblob://", true,
       SettingKind::RemoteUrls},
      {"LARDER_READ_ONLY", nullptr, "1: never write to remote storage", false, SettingKind::Flag},
      {"LARDER_DEFER_UPLOADS", nullptr,
       "1: a miss stores locally and queues its upload for `larder cache push` (the CI templates set it)", false,
       SettingKind::Flag},
  };
  return specs;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const auto& spec : known_settings()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::optional<bool> parse_flag(std::string_view text) {
  if (is_truthy(text)) return true;
  const std::string value = to_lower(trim(text));
  if (value.empty() || value == "0" || value == "false" || value == "no" || value == "off") return false;
  return std::nullopt;
}

namespace {

EnvironmentMap process_environment() {
  EnvironmentMap environment;
  for (auto& [name, value] : environment_list()) environment.emplace(std::move(name), std::move(value));
  return environment;
}

std::optional<std::string> lookup(const EnvironmentMap& environment, std::string_view name) {
  const auto it = environment.find(std::string(name));
  if (it == environment.end()) return std::nullopt;
  return it->second;
}

std::optional<fs::path> locate_config_file(const EnvironmentMap& environment) {
  if (auto explicit_path = lookup(environment, "LARDER_CONFIG"); explicit_path && !explicit_path->empty()) {
    return fs::path(*explicit_path);
  }
  fs::path base;
  if (auto xdg = lookup(environment, "XDG_CONFIG_HOME"); xdg && !xdg->empty())
    base = *xdg;
  else if (auto home = lookup(environment, "HOME"); home && !home->empty())
    base = fs::path(*home) / ".config";
  else
    return std::nullopt;
  fs::path candidate = base / "larder" / "config.toml";
  std::error_code ec;
  if (fs::exists(candidate, ec)) return candidate;
  return std::nullopt;
}

// By the node's own type: toml++'s value<int64_t>() converts a float out of range without a
// check (undefined behaviour, found by fuzz/settings_toml).
std::optional<std::string> toml_value_as_string(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* flag = node.as_boolean()) return flag->get() ? "1" : "0";
  if (const auto* integer = node.as_integer()) return std::to_string(integer->get());
  if (const auto* number = node.as_floating_point()) {
    const double value = number->get();
    // A whole number reads as one ("2.0" as "2"), as it did through value<int64_t>().
    constexpr double kExact = 9007199254740992.0;  // 2^53
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) <= kExact)
      return std::to_string(static_cast<int64_t>(value));
    return std::to_string(value);
  }
  return std::nullopt;
}

bool starts_toml_key(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '"' || c == '\'';
}

// A table header whose name starts with neither a key character nor a quote ("[" alone,
// "[[[1]]]", "[, 2]"): toml++ 3.3 asserts on it instead of reporting a parse error (found by
// fuzz/settings_toml; fixed upstream after 3.3), so it is refused first. Every line that starts
// with '[' is checked, an array's continuation line too: a settings file holds no arrays.
bool has_malformed_table_header(std::string_view text) {
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '[') {
      size_t name = first + 1;
      if (name < line.size() && line[name] == '[') ++name;  // an array of tables: "[["
      name = line.find_first_not_of(" \t", name);
      if (name == std::string_view::npos || !starts_toml_key(line[name])) return true;
    }
    start = end + 1;
  }
  return false;
}

// The end of a one-line string that starts at text[open] (a quote), or npos when it does not end
// on its line.
size_t one_line_string_end(std::string_view text, size_t open) {
  const char quote = text[open];
  for (size_t i = open + 1; i < text.size() && text[i] != '\n'; ++i) {
    if (quote == '"' && text[i] == '\\')
      ++i;  // an escape: the next character is the string's
    else if (text[i] == quote)
      return i;
  }
  return std::string_view::npos;
}

// toml++ 3.3 reaches __builtin_unreachable when it asks whether some non-ASCII characters are
// whitespace (found by fuzz/settings_toml), so a non-ASCII byte anywhere but inside a one-line
// quoted string that closes on its line refuses the file before toml++ reads it; in a file with
// a triple-quoted string, or in a comment, any non-ASCII byte does. Settings are ASCII but for
// paths, which are quoted.
bool has_non_ascii_outside_strings(std::string_view text) {
  const bool multi_line_strings =
      text.find("\"\"\"") != std::string_view::npos || text.find("'''") != std::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!multi_line_strings && (c == '"' || c == '\'')) {
      const size_t end = one_line_string_end(text, i);
      if (end != std::string_view::npos) i = end;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') {
        if (static_cast<unsigned char>(text[i]) >= 0x80) return true;
        ++i;
      }
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return true;
    }
  }
  return false;
}

// File keys are the variable names, or their lower-case form without the prefix:
// LARDER_CACHE_SIZE and cache_size are the same key.
// The keys that can be read, with a problem for each that cannot and for a file that cannot be
// read at all (then there are none): the other settings still apply.
WithProblems<std::map<std::string, std::string>> read_config_file(const fs::path& path) {
  WithProblems<std::map<std::string, std::string>> read;
  auto& [values, problems] = read;
  // A settings file is small: a FIFO, a device or a huge file in its place is not one.
  const auto text = read_regular_file(path, 1 << 20, Symlinks::Follow);
  if (!text) {
    problems.push_back("config file " + path.string() +
                       " cannot be read as a settings file (missing, unreadable, not a regular file or over 1 MiB)");
    return read;
  }
  if (has_non_ascii_outside_strings(*text)) {
    problems.push_back("config file " + path.string() +
                       " is not read: it has a non-ASCII character outside a one-line quoted string (larder's TOML "
                       "parser, toml++ 3.3, mishandles those)");
    return read;
  }
  if (has_malformed_table_header(*text)) {
    problems.push_back("config file " + path.string() +
                       " is not valid TOML: a table header without a name ('[' followed by neither a key nor a quote)");
    return read;
  }
  try {
    const toml::table table = toml::parse(*text, path.string());
    for (const auto& [key, node] : table) {
      std::string name(key.str());
      if (!name.starts_with("LARDER_")) {
        std::string upper;
        for (char c : name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        name = "LARDER_" + upper;
      }
      auto value = toml_value_as_string(node);
      if (!value) {
        problems.push_back("config file " + path.string() + ": key '" + std::string(key.str()) +
                           "' must be a string, number or boolean");
        continue;
      }
      values[name] = *value;
    }
  } catch (const toml::parse_error& error) {
    problems.push_back("config file " + path.string() + " is not valid TOML: " + std::string(error.description()));
  }
  return read;
}

}  // namespace

Settings Settings::load() { return load_from(process_environment()); }

Settings Settings::load_from(const EnvironmentMap& environment) {
  Settings settings;
  settings.environment_ = environment;
  std::map<std::string, std::string> file_values;
  settings.config_file_ = locate_config_file(environment);
  if (settings.config_file_) {
    std::error_code ec;
    if (!fs::exists(*settings.config_file_, ec)) {
      settings.problems_.push_back("config file " + settings.config_file_->string() +
                                   " (LARDER_CONFIG) does not exist");
    } else {
      auto read = read_config_file(*settings.config_file_);
      file_values = std::move(read.value);
      for (auto& problem : read.problems) settings.problems_.push_back(std::move(problem));
    }
  }
  for (const auto& spec : known_settings()) {
    SettingValue value;
    value.name = spec.name;
    value.secret = spec.secret;
    const std::string suffix = std::string(spec.name).substr(std::string_view("LARDER_").size());
    if (auto v = lookup(environment, spec.name)) {
      value.value = *v;
      value.source = std::string("env ") + spec.name;
    } else if (auto twin = lookup(environment, "SCCACHE_" + suffix)) {
      value.value = *twin;
      value.source = "env SCCACHE_" + suffix + " (migration twin)";
    } else if (auto twin2 = lookup(environment, "CACHEPOT_" + suffix)) {
      value.value = *twin2;
      value.source = "env CACHEPOT_" + suffix + " (migration twin)";
    } else if (auto it = file_values.find(spec.name); it != file_values.end()) {
      value.value = it->second;
      value.source = "file " + settings.config_file_->string();
    } else if (spec.default_value != nullptr) {
      value.value = spec.default_value;
      value.source = "default";
    } else {
      value.source = "unset";
    }
    settings.values_.push_back(std::move(value));
  }
  for (const auto& [name, unused] : file_values) {
    bool known = false;
    for (const auto& spec : known_settings()) known = known || name == spec.name;
    if (!known) settings.problems_.push_back("config file: unknown setting " + name);
  }
  for (auto& problem : check_setting_values(settings.values_)) settings.problems_.push_back(std::move(problem));
  return settings;
}

std::optional<std::string> Settings::get(std::string_view name) const {
  for (const auto& value : values_) {
    if (value.name == name) return value.value;
  }
  return std::nullopt;
}

std::string Settings::get_or(std::string_view name, std::string_view fallback) const {
  auto value = get(name);
  return value && !value->empty() ? *value : std::string(fallback);
}

bool Settings::flag(std::string_view name) const {
  if (auto value = get(name)) {
    if (auto parsed = parse_flag(*value)) return *parsed;
  }
  const SettingSpec* spec = find_setting(name);
  return spec != nullptr && spec->default_value != nullptr && parse_flag(spec->default_value).value_or(false);
}

std::optional<std::string> Settings::env(std::string_view name) const { return lookup(environment_, name); }

fs::path Settings::cache_dir() const {
  if (auto dir = get("LARDER_DIR"); dir && !dir->empty()) return *dir;
  if (auto xdg = env("XDG_CACHE_HOME"); xdg && !xdg->empty()) return fs::path(*xdg) / "larder";
  if (auto home = env("HOME"); home && !home->empty()) return fs::path(*home) / ".cache" / "larder";
  return fs::temp_directory_path() / "larder";
}

uint64_t Settings::cache_size_bytes() const {
  static constexpr uint64_t kDefault = 10ULL * 1024 * 1024 * 1024;
  auto text = get("LARDER_CACHE_SIZE");
  if (!text) return kDefault;
  // 0 would evict every entry as soon as it is stored: reported, and the default used.
  const auto size = parse_size(*text);
  return size && *size > 0 ? *size : kDefault;
}

std::string mask_secret(std::string_view name, std::string_view value) {
  (void)name;
  // URLs: hide user-info (user:password@) and query strings that may hold tokens.
  std::string result;
  for (const auto& part : split(value, ',')) {
    std::string masked = part;
    const size_t scheme = masked.find("://");
    // A piece without a scheme after a URL is another host of it (memcached://a:1,b:2).
    const bool more_hosts = scheme == std::string::npos && !result.empty();
    if (scheme != std::string::npos || more_hosts) {
      const size_t start = more_hosts ? 0 : scheme + 3;
      // The user-info ends at the last '@' of the authority: a password with a raw '@' (which the
      // URL parser refuses) is still hidden whole in the message that says so.
      const size_t end = std::min(masked.find_first_of("/?#", start), masked.size());
      const size_t at = end > start ? masked.rfind('@', end - 1) : std::string::npos;
      if (at != std::string::npos && at >= start) masked = masked.substr(0, start) + "****" + masked.substr(at);
      const size_t query = masked.find('?');
      if (query != std::string::npos) masked = masked.substr(0, query) + "?****";
    } else if (!masked.empty()) {
      masked = "****";
    }
    if (!result.empty()) result += ",";
    result += masked;
  }
  return result;
}

}  // namespace larder
