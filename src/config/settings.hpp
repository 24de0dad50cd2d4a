#pragma once
// Layered settings: LARDER_* environment variables, then their SCCACHE_*/CACHEPOT_* twins
// (migration), then an optional TOML file, then defaults. Each value remembers its source so
// `larder config` can say where it came from.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larder {

// What a setting's value must look like; config/setting_checks reports values that do not.
enum class SettingKind { Text, Flag, Size, LogLevel, AbsolutePath, Bucket, HttpUrl, RemoteUrls };

struct SettingSpec {
  const char* name;           // e.g. "LARDER_CACHE_SIZE"
  const char* default_value;  // nullptr: unset by default
  const char* description;
  bool secret;  // masked in `larder config` and logs
  SettingKind kind = SettingKind::Text;
};

// The spec of a known setting, or nullptr.
const SettingSpec* find_setting(std::string_view name);

// "1", "true", "yes", "on" / "0", "false", "no", "off", "" (any case); nullopt for anything else.
std::optional<bool> parse_flag(std::string_view text);

// Every setting larder knows; `larder config` lists them in this order.
const std::vector<SettingSpec>& known_settings();

struct SettingValue {
  std::string name;
  std::optional<std::string> value;
  std::string source;  // "env LARDER_DIR", "env SCCACHE_DIR (migration twin)", "file …", "default"
  bool secret = false;
};

using EnvironmentMap = std::map<std::string, std::string>;

class Settings {
 public:
  // Reads the process environment and the config file. Never throws: a broken file or value
  // is reported through problems() and the affected settings fall back to their defaults.
  static Settings load();
  static Settings load_from(const EnvironmentMap& environment);

  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;
  // A boolean setting; unset or not a boolean (a problem reported by problems()): its default.
  bool flag(std::string_view name) const;
  const std::vector<SettingValue>& all() const { return values_; }
  const std::vector<std::string>& problems() const { return problems_; }
  const std::optional<std::filesystem::path>& config_file() const { return config_file_; }

  // Typed accessors for the settings every command needs.
  std::filesystem::path cache_dir() const;
  uint64_t cache_size_bytes() const;

  // The environment variable's value, for callers that read non-LARDER variables too.
  std::optional<std::string> env(std::string_view name) const;

 private:
  EnvironmentMap environment_;
  std::vector<SettingValue> values_;
  std::vector<std::string> problems_;
  std::optional<std::filesystem::path> config_file_;
};

// Masks a secret for display: URL user-info and passwords become "****".
std::string mask_secret(std::string_view name, std::string_view value);

}  // namespace larder
