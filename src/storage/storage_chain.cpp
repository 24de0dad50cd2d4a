#include "storage/storage_chain.hpp"

#include <spdlog/spdlog.h>

namespace larder::storage {

StorageChain::StorageChain(std::vector<StoragePtr> tiers, bool read_only_remotes)
    : tiers_(std::move(tiers)), read_only_remotes_(read_only_remotes) {
  counts_.tiers.resize(tiers_.size());
}

std::optional<Fetched> StorageChain::get(const std::string& name) {
  for (size_t i = 0; i < tiers_.size(); ++i) {
    auto& tier = *tiers_[i];
    auto& counters = counts_.tiers[i];
    auto result = tier.get(name);
    if (result.outcome == Outcome::Ok) {
      counters.hits++;
      return Fetched{std::move(result.data), i};
    }
    if (result.outcome == Outcome::NotFound) {
      counters.misses++;
    } else {
      counters.errors++;
      counts_.read_errors++;
      spdlog::warn("{} cache {}: cannot read {}: {}", tier.kind(), tier.location(), name, result.error);
    }
  }
  return std::nullopt;
}

void StorageChain::promote(const std::string& name, size_t from_tier, std::string_view local_blob,
                           std::string_view remote_blob) {
  for (size_t j = 0; j < from_tier && j < tiers_.size(); ++j) {
    if (!writable(j)) continue;
    auto filled = tiers_[j]->put(name, j == 0 ? local_blob : remote_blob);
    auto& earlier = counts_.tiers[j];
    if (filled.ok) {
      earlier.writes++;
    } else {
      earlier.errors++;
      spdlog::warn("cannot fill {} cache {} with {}: {}", tiers_[j]->kind(), tiers_[j]->location(), name, filled.error);
    }
  }
}

void StorageChain::reject(const std::string& name, const Fetched& object, std::string_view why) {
  if (object.tier >= tiers_.size()) return;
  auto& tier = *tiers_[object.tier];
  counts_.tiers[object.tier].errors++;
  counts_.read_errors++;
  if (!writable(object.tier)) {
    spdlog::warn("{} cache {}: {} is unusable ({}); ignored", tier.kind(), tier.location(), name, why);
    return;
  }
  const auto removed = tier.remove(name);
  spdlog::warn("{} cache {}: {} is unusable ({}); {}", tier.kind(), tier.location(), name, why,
               removed.ok ? "removed" : "cannot remove it: " + removed.error);
}

bool StorageChain::put(const std::string& name, std::string_view local_blob, std::string_view remote_blob) {
  bool stored = false;
  for (size_t i = 0; i < tiers_.size(); ++i) {
    if (!writable(i)) continue;
    auto& tier = *tiers_[i];
    auto& counters = counts_.tiers[i];
    auto result = tier.put(name, i == 0 ? local_blob : remote_blob);
    if (result.ok) {
      counters.writes++;
      stored = true;
    } else {
      counters.errors++;
      counts_.write_errors++;
      spdlog::warn("{} cache {}: cannot write {}: {}", tier.kind(), tier.location(), name, result.error);
    }
  }
  return stored;
}

}  // namespace larder::storage
