#include "storage/remote/remote_url.hpp"

#include <gtest/gtest.h>

#include "config/settings.hpp"

using namespace larder;
using namespace larder::storage;

TEST(RemoteUrl, RedisWithPasswordDatabaseAndAttributes) {
  auto url = RemoteUrl::parse("rediss://user:p%40ss@cache.example:6380/3?prefix=ci/&ttl=7d", 6379);
  EXPECT_EQ(url.scheme, "rediss");
  EXPECT_EQ(url.user, "user");
  EXPECT_EQ(url.password, "p@ss");
  ASSERT_EQ(url.hosts.size(), 1u);
  EXPECT_EQ(url.hosts[0].host, "cache.example");
  EXPECT_EQ(url.hosts[0].port, 6380);
  EXPECT_EQ(url.path, "/3");
  EXPECT_EQ(url.attribute("prefix"), "ci/");
  EXPECT_EQ(url.attribute("ttl"), "7d");
  EXPECT_EQ(url.unknown_attributes({"prefix"}), std::vector<std::string>{"ttl"});
}

TEST(RemoteUrl, SeveralHostsDefaultPortsAndIpv6) {
  auto url = RemoteUrl::parse("memcached://a,b:11212,[::1]:5", 11211);
  ASSERT_EQ(url.hosts.size(), 3u);
  EXPECT_EQ(url.hosts[0].text(), "a:11211");
  EXPECT_EQ(url.hosts[1].text(), "b:11212");
  EXPECT_EQ(url.hosts[2].text(), "[::1]:5");
}

TEST(RemoteUrl, RejectsBadPortsAndMissingHosts) {
  EXPECT_THROW(RemoteUrl::parse("redis://host:99999", 1), std::invalid_argument);
  EXPECT_THROW(RemoteUrl::parse("redis://", 1), std::invalid_argument);
  EXPECT_THROW(RemoteUrl::parse("host:1", 1), std::invalid_argument);
}

TEST(RemoteUrl, Durations) {
  EXPECT_EQ(parse_duration("500ms")->count(), 500);
  EXPECT_EQ(parse_duration("5s")->count(), 5000);
  EXPECT_EQ(parse_duration("30")->count(), 30000);
  EXPECT_EQ(parse_duration("7d")->count(), 7LL * 86400 * 1000);
  EXPECT_FALSE(parse_duration("soon"));
  EXPECT_FALSE(parse_duration("5 parsecs"));
}

TEST(RemoteUrl, SplitsRemoteListsOnlyBeforeSchemes) {
  auto urls = split_remote_urls("redis://a:1, memcached://b:2,c:3?prefix=x ,http://d/e");
  ASSERT_EQ(urls.size(), 3u);
  EXPECT_EQ(urls[0], "redis://a:1");
  EXPECT_EQ(urls[1], "memcached://b:2,c:3?prefix=x");
  EXPECT_EQ(urls[2], "http://d/e");
}

TEST(RemoteUrl, MaskingKeepsHostsAndHidesSecrets) {
  EXPECT_EQ(mask_secret("LARDER_REMOTE", "redis://:pw@h:1/2,memcached://a:1,b:2"),
            "redis://****@h:1/2,memcached://a:1,b:2");
  EXPECT_EQ(mask_secret("LARDER_REMOTE", "https://u:tok@h/p?sig=x"), "https://****@h/p?****");
}
