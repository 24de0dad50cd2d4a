// The chain reads without spreading: an object reaches earlier tiers only once promoted, and a
// rejected one leaves the tier it came from. Two real local folders stand for two tiers.
#include <gtest/gtest.h>

#include <memory>

#include "storage/local/local_storage.hpp"
#include "storage/storage_chain.hpp"
#include "temp_folder.hpp"

using namespace larder;
using namespace larder::storage;

namespace {

struct ChainTest : larder::test_support::TempFolderTest {
  LocalStorage* first = nullptr;
  LocalStorage* second = nullptr;

  StorageChain chain(bool read_only_remotes) {
    std::vector<StoragePtr> tiers;
    auto a = std::make_unique<LocalStorage>(dir / "first", 1 << 30);
    auto b = std::make_unique<LocalStorage>(dir / "second", 1 << 30);
    first = a.get();
    second = b.get();
    tiers.push_back(std::move(a));
    tiers.push_back(std::move(b));
    return StorageChain(std::move(tiers), read_only_remotes);
  }
};

const std::string kName = "ab" + std::string(62, '0') + ".entry";

}  // namespace

TEST_F(ChainTest, AHitInALaterTierFillsNothingUntilPromoted) {
  StorageChain tiers = chain(false);
  ASSERT_TRUE(second->put(kName, "blob").ok);
  auto fetched = tiers.get(kName);
  ASSERT_TRUE(fetched.has_value());
  EXPECT_EQ(fetched->blob, "blob");
  EXPECT_EQ(fetched->tier, 1u);
  EXPECT_EQ(first->get(kName).outcome, Outcome::NotFound);
  tiers.promote(kName, *fetched);
  EXPECT_EQ(first->get(kName).data, "blob");
  EXPECT_EQ(tiers.counts().read_errors, 0u);
  EXPECT_EQ(tiers.counts().tiers[0].misses, 1u);
  EXPECT_EQ(tiers.counts().tiers[1].hits, 1u);
  EXPECT_EQ(tiers.counts().tiers[0].writes, 1u);  // the promotion
}

TEST_F(ChainTest, ARejectedObjectLeavesItsOwnTierOnlyAndCountsOneReadError) {
  StorageChain tiers = chain(false);
  ASSERT_TRUE(second->put(kName, "damaged").ok);
  auto fetched = tiers.get(kName);
  ASSERT_TRUE(fetched.has_value());
  tiers.reject(kName, *fetched, "test damage");
  EXPECT_EQ(second->get(kName).outcome, Outcome::NotFound);
  EXPECT_EQ(first->get(kName).outcome, Outcome::NotFound);
  EXPECT_EQ(tiers.counts().read_errors, 1u);
  EXPECT_EQ(tiers.counts().tiers[1].errors, 1u);
}

TEST_F(ChainTest, AReadOnlyRemoteIsNeitherFilledNorCleaned) {
  StorageChain tiers = chain(true);
  ASSERT_TRUE(second->put(kName, "damaged").ok);
  auto fetched = tiers.get(kName);
  ASSERT_TRUE(fetched.has_value());
  tiers.reject(kName, *fetched, "test damage");
  EXPECT_EQ(second->get(kName).data, "damaged");  // read-only: left alone
  EXPECT_EQ(tiers.counts().read_errors, 1u);
  // The local tier is always written: promoting fills it.
  tiers.promote(kName, *fetched);
  EXPECT_EQ(first->get(kName).data, "damaged");
}

TEST_F(ChainTest, ARejectedLocalObjectIsRemovedThere) {
  StorageChain tiers = chain(false);
  ASSERT_TRUE(first->put(kName, "damaged").ok);
  ASSERT_TRUE(second->put(kName, "good").ok);
  auto fetched = tiers.get(kName);
  ASSERT_TRUE(fetched.has_value());
  EXPECT_EQ(fetched->tier, 0u);
  tiers.reject(kName, *fetched, "test damage");
  EXPECT_EQ(first->get(kName).outcome, Outcome::NotFound);
  EXPECT_EQ(second->get(kName).data, "good");
  auto again = tiers.get(kName);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->tier, 1u);
}

// A manifest object read from the last of three tiers: the local tier keeps its plain form,
// the remote before it the form remotes hold (with the entry it carries).
TEST_F(ChainTest, APromotionWritesTheLocalFormLocallyAndTheRemoteFormToEarlierRemotes) {
  std::vector<StoragePtr> tiers;
  for (const char* name : {"local", "near", "far"})
    tiers.push_back(std::make_unique<LocalStorage>(dir / name, 1 << 30));
  auto* local = tiers[0].get();
  auto* near = tiers[1].get();
  StorageChain chain_of_three(std::move(tiers), false);
  chain_of_three.promote(kName, 2, "plain", "bundled");
  EXPECT_EQ(local->get(kName).data, "plain");
  EXPECT_EQ(near->get(kName).data, "bundled");
  EXPECT_EQ(chain_of_three.counts().tiers[0].writes, 1u);
  EXPECT_EQ(chain_of_three.counts().tiers[1].writes, 1u);
  EXPECT_EQ(chain_of_three.counts().tiers[2].writes, 0u);
}
