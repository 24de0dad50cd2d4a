#include "storage/storage_chain.hpp"

#include <spdlog/spdlog.h>

namespace larder::storage {

StorageChain::StorageChain(std::vector<StoragePtr> tiers, bool read_only_remotes,
                           cache::StatsCounters& stats)
    : tiers_(std::move(tiers)), read_only_remotes_(read_only_remotes), stats_(stats) {}

std::optional<Fetched> StorageChain::get(const std::string& name) {
  for (size_t i = 0; i < tiers_.size(); ++i) {
    auto& tier = *tiers_[i];
    auto& counters = stats_.storage_for(tier.kind(), tier.location());
    auto result = tier.get(name);
    if (result.outcome == Outcome::Ok) {
      counters.hits++;
      return Fetched{std::move(result.data), i};
    }
    if (result.outcome == Outcome::NotFound) {
      counters.misses++;
    } else {
      counters.errors++;
      errors_++;
      stats_.read_errors++;
      spdlog::warn("{} cache {}: cannot read {}: {}", tier.kind(), tier.location(), name, result.error);
    }
  }
  return std::nullopt;
}

void StorageChain::promote(const std::string& name, const Fetched& object, std::string_view local_blob) {
  for (size_t j = 0; j < object.tier && j < tiers_.size(); ++j) {
    if (!writable(j)) continue;
    auto filled = tiers_[j]->put(name, j == 0 ? local_blob : std::string_view(object.blob));
    auto& earlier = stats_.storage_for(tiers_[j]->kind(), tiers_[j]->location());
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
  stats_.storage_for(tier.kind(), tier.location()).errors++;
  errors_++;
  stats_.read_errors++;
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
    auto& counters = stats_.storage_for(tier.kind(), tier.location());
    auto result = tier.put(name, i == 0 ? local_blob : remote_blob);
    if (result.ok) {
      counters.writes++;
      stored = true;
    } else {
      counters.errors++;
      errors_++;
      stats_.write_errors++;
      spdlog::warn("{} cache {}: cannot write {}: {}", tier.kind(), tier.location(), name, result.error);
    }
  }
  return stored;
}

}  // namespace larder::storage
