#include "explain/key_records.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>

#include "util/files.hpp"
#include "util/folder_budget.hpp"
#include "util/hash.hpp"

namespace larder::explain {

namespace fs = std::filesystem;

namespace {

constexpr size_t kShortHash = 16;
constexpr size_t kMaxArgValue = 160;

nlohmann::json to_json(const KeyRecord& r) {
  nlohmann::json components = nlohmann::json::array();
  for (const auto& c : r.components) components.push_back({c.group, c.name, c.value});
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& [path, hash] : r.sources) sources.push_back({path, hash});
  nlohmann::json env_deps = nlohmann::json::array();
  for (const auto& [name, hash] : r.env_deps) env_deps.push_back({name, hash});
  return {{"time_ms", r.time_ms},     {"metadata", r.metadata}, {"stored", r.stored},
          {"components", components}, {"sources", sources},     {"env_deps", env_deps}};
}

KeyRecord record_from_json(const nlohmann::json& j) {
  KeyRecord r;
  r.time_ms = j.at("time_ms").get<int64_t>();
  r.metadata = j.at("metadata").get<std::string>();
  r.stored = j.at("stored").get<bool>();
  auto text = [](const nlohmann::json& item, size_t i) { return item.at(i).get<std::string>(); };
  for (const auto& c : j.at("components")) r.components.push_back({text(c, 0), text(c, 1), text(c, 2)});
  for (const auto& s : j.at("sources")) r.sources.emplace_back(text(s, 0), text(s, 1));
  for (const auto& e : j.at("env_deps")) r.env_deps.emplace_back(text(e, 0), text(e, 1));
  return r;
}

}  // namespace

std::string short_hash(std::string_view text) { return sha256_hex(text).substr(0, kShortHash); }

std::vector<KeyComponent> recordable_components(const std::vector<KeyComponent>& components) {
  std::vector<KeyComponent> out;
  out.reserve(components.size());
  for (const auto& c : components) {
    KeyComponent kept = c;
    if (c.group == "env") {
      kept.value = short_hash(c.value);
    } else if (is_sha256_hex(c.value)) {
      kept.value = c.value.substr(0, kShortHash);
    } else if (c.value.size() > kMaxArgValue) {
      kept.value = c.value.substr(0, 48) + "…#" + short_hash(c.value);
    }
    out.push_back(std::move(kept));
  }
  return out;
}

fs::path KeyRecordStore::file_for(const std::string& identity) const {
  return dir_ / (sha256_hex(identity).substr(0, 24) + ".json");
}

std::vector<KeyRecord> KeyRecordStore::load(const std::string& identity) const {
  std::vector<KeyRecord> records;
  auto text = read_regular_file(file_for(identity), 64 << 20, Symlinks::Refuse);
  if (!text) return records;
  try {
    const auto json = nlohmann::json::parse(*text);
    if (json.at("identity").get<std::string>() != identity) return records;  // a hash collision
    for (const auto& item : json.at("variants")) records.push_back(record_from_json(item));
  } catch (const std::exception&) {
    records.clear();  // a damaged record is as good as none
  }
  return records;
}

bool KeyRecordStore::add(const std::string& identity, const std::string& crate, KeyRecord record) const {
  std::vector<KeyRecord> variants = load(identity);
  variants.erase(std::remove_if(variants.begin(), variants.end(),
                                [&](const KeyRecord& r) { return r.metadata == record.metadata; }),
                 variants.end());
  variants.insert(variants.begin(), std::move(record));
  if (variants.size() > kMaxRecordVariants) variants.resize(kMaxRecordVariants);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& v : variants) items.push_back(to_json(v));
  const nlohmann::json json = {{"format", 1}, {"crate", crate}, {"identity", identity}, {"variants", items}};
  if (!write_file_atomic(file_for(identity), json.dump())) return false;
  prune();
  return true;
}

void KeyRecordStore::prune() const { prune_oldest(dir_, ".json", budget_, SIZE_MAX); }

}  // namespace larder::explain
