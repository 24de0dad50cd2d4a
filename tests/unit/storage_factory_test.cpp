#include "storage/factory.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/redis/redis_storage.hpp"
#include "storage/remote/remote_url.hpp"

using namespace larder;
using namespace larder::storage;

namespace {

// The remotes LARDER_REMOTE (and LARDER_BUCKET, LARDER_S3_SSE) make, by kind, and their problems.
struct Made {
  std::vector<std::string> kinds;
  std::vector<std::string> problems;
};

Made remotes_of(EnvironmentMap environment) {
  environment.emplace("LARDER_DIR", "/nonexistent/larder");
  auto remotes = make_remote_storages(Settings::load_from(environment));
  Made made;
  for (const auto& remote : remotes.value) made.kinds.push_back(remote->kind());
  made.problems = std::move(remotes.problems);
  return made;
}

}  // namespace

TEST(StorageFactory, AnUnusableUrlIsAProblemAndTheOtherRemotesStay) {
  const Made made = remotes_of({{"LARDER_REMOTE", "redis://a,b:1,memcached://h/x?prefix=a%20b,https://h?ttl=1"}});
  EXPECT_EQ(made.kinds, std::vector<std::string>{"http"});
  EXPECT_EQ(made.problems,
            (std::vector<std::string>{
                "LARDER_REMOTE redis://a,b:1 is not usable: a redis URL names one host (use a chain for several)",
                // The URL path is a problem too, but an unusable remote reports only why it is unusable.
                "LARDER_REMOTE memcached://h/x?**** is not usable: memcached prefix must be at most 150 characters "
                "without spaces or control characters",
                "LARDER_REMOTE https://h?****: http: unknown attribute 'ttl'"}));
}

TEST(StorageFactory, ProblemsOfAUsableRemoteComeWithItInOrder) {
  const Made made = remotes_of({{"LARDER_REMOTE", "memcached://u@h/x?expire=soon&retries=11&x=1"}});
  EXPECT_EQ(made.kinds, std::vector<std::string>{"memcached"});
  EXPECT_EQ(made.problems,
            (std::vector<std::string>{
                "LARDER_REMOTE memcached://****@h/x?****: retries='11' is not a number from 0 to 10",
                "LARDER_REMOTE memcached://****@h/x?****: memcached: the URL path is ignored (use ?prefix=)",
                "LARDER_REMOTE memcached://****@h/x?****: memcached: user-info is ignored (the text protocol has no "
                "authentication)",
                "LARDER_REMOTE memcached://****@h/x?****: memcached expire='soon' is not a duration (e.g. 7d, 12h, "
                "3600)",
                "LARDER_REMOTE memcached://****@h/x?****: memcached: unknown attribute 'x'"}));
}

TEST(StorageFactory, UnknownSchemesBadUrlsAndBadSseAreProblems) {
  const Made made = remotes_of({{"LARDER_REMOTE", "ftp://h,redis://h:0,azblob://acct/UPPER"},
                                {"LARDER_BUCKET", "b"},
                                {"LARDER_S3_SSE", "aes256"}});
  EXPECT_TRUE(made.kinds.empty());
  EXPECT_EQ(made.problems,
            (std::vector<std::string>{
                "LARDER_S3_SSE='aes256' is not AES256, aws:kms or aws:kms:KEY-ID: S3 storage is off",
                "LARDER_REMOTE: no backend for 'ftp://h' (supported: redis://, rediss://, memcached://, http://, "
                "https://, azblob://)",
                "LARDER_REMOTE redis://h:0 is not usable: not a valid URL (port 0)",
                "LARDER_REMOTE azblob://acct/UPPER is not usable: azblob container 'UPPER' is not valid: 3 to 63 "
                "lower-case letters, digits and hyphens"}));
}

TEST(StorageFactory, TheLocalTierComesFirstAndS3BeforeTheRemotes) {
  auto tiers = make_storage_tiers(Settings::load_from(
      {{"LARDER_DIR", "/nonexistent/larder"}, {"LARDER_BUCKET", "b"}, {"LARDER_REMOTE", "redis://h"}}));
  EXPECT_TRUE(tiers.problems.empty());
  std::vector<std::string> kinds;
  for (const auto& tier : tiers.value) kinds.push_back(tier->kind());
  EXPECT_EQ(kinds, (std::vector<std::string>{"local", "s3", "redis"}));
}

TEST(StorageFactory, ABackendSaysWhyItsUrlCannotBeUsed) {
  const auto url = RemoteUrl::parse("redis://h/db", 6379);
  ASSERT_TRUE(url);
  const auto made = RedisStorage::create(*url, {});
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error(), "the path of a redis URL is a database number, not '/db'");
  const auto fine = RedisStorage::create(RemoteUrl::parse("rediss://h/2?ttl=1d&ca=/ca.pem", 6379).value(), {});
  ASSERT_TRUE(fine);
  EXPECT_TRUE(fine->problems.empty());
  EXPECT_EQ(fine->value->location(), "rediss://h:6379/2/larder/");
}
