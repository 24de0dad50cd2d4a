#include "storage/remote/remote_url.hpp"

#include <gtest/gtest.h>

#include "config/settings.hpp"

using namespace larder;
using namespace larder::storage;

TEST(RemoteUrl, RedisWithPasswordDatabaseAndAttributes) {
  auto url = RemoteUrl::parse("rediss://user:p%40ss@cache.example:6380/3?prefix=ci/&ttl=7d", 6379).value();
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
  auto url = RemoteUrl::parse("memcached://a,b:11212,[::1]:5", 11211).value();
  ASSERT_EQ(url.hosts.size(), 3u);
  EXPECT_EQ(url.hosts[0].text(), "a:11211");
  EXPECT_EQ(url.hosts[1].text(), "b:11212");
  EXPECT_EQ(url.hosts[2].text(), "[::1]:5");
}

TEST(RemoteUrl, RejectsBadPortsAndMissingHosts) {
  EXPECT_FALSE(RemoteUrl::parse("redis://host:99999", 1));
  EXPECT_FALSE(RemoteUrl::parse("redis://", 1));
  EXPECT_FALSE(RemoteUrl::parse("host:1", 1));
}

TEST(RemoteUrl, DecodesUserInfoPathAndAttributes) {
  auto url = RemoteUrl::parse("http://ci:@h/a%20b/c/?Token=x%26y%3D&insecure&prefix=a%2Fb&&", 80).value();
  EXPECT_EQ(url.user, "ci");
  EXPECT_EQ(url.password, "");
  EXPECT_EQ(url.hosts[0].text(), "h:80");
  EXPECT_EQ(url.path, "/a b/c/");
  EXPECT_EQ(url.attribute("token"), "x&y=");
  EXPECT_EQ(url.attribute("insecure"), "");
  EXPECT_EQ(url.attribute("prefix"), "a/b");
  EXPECT_EQ(url.attributes.size(), 3u);
  auto only_password = RemoteUrl::parse("redis://:pw@h", 6379).value();
  EXPECT_EQ(only_password.user, "");
  EXPECT_EQ(only_password.password, "pw");
  EXPECT_EQ(RemoteUrl::parse("redis://h", 6379).value().path, "/");
  EXPECT_EQ(RemoteUrl::parse("REDISS://h", 6379).value().scheme, "rediss");
  // Spaces in attribute values, as in a file path.
  EXPECT_EQ(RemoteUrl::parse("rediss://h?ca=/my certs/ca.pem", 6379).value().attribute("ca"), "/my certs/ca.pem");
  // An attribute value may hold a URL of its own.
  EXPECT_EQ(RemoteUrl::parse("azblob://acct/c?endpoint=http://127.0.0.1:10000/acct", 443).value().attribute("endpoint"),
            "http://127.0.0.1:10000/acct");
  auto hosts = RemoteUrl::parse("memcached://u:p@a, b:2 ,,/", 11211).value();
  ASSERT_EQ(hosts.hosts.size(), 2u);
  EXPECT_EQ(hosts.hosts[1].text(), "b:2");
  EXPECT_EQ(hosts.password, "p");
}

TEST(RemoteUrl, ErrorsSayWhatIsWrongWithoutThePassword) {
  auto message = [](std::string_view text) {
    const auto parsed = RemoteUrl::parse(text, 1);
    if (!parsed) return parsed.error();
    ADD_FAILURE() << text << " was accepted";
    return std::string();
  };
  EXPECT_EQ(message("host:1"), "not a valid URL (no scheme://)");
  EXPECT_EQ(message("redis://u:hunter2@"), "not a valid URL (no host)");
  EXPECT_EQ(message("redis:///0"), "not a valid URL (no host)");
  EXPECT_EQ(message("redis://h:0"), "not a valid URL (port 0)");
  EXPECT_EQ(message("redis://:hunt@er2@h"), "not a valid URL (an '@' in the user or password is written %40)");
  EXPECT_EQ(message("memcached://a,b:x"),
            "not a valid URL (Port number was not a decimal number between 0 and 65535) at host 'b:x'");
  for (const char* text : {"redis://user:hunter2@h:99999", "redis://user:hunter2@[::1", "redis://user:hunter2@a,[::1",
                           "redis://user:hunter2@h/%zz bad\x01"}) {
    EXPECT_EQ(message(text).find("hunter2"), std::string::npos) << message(text);
  }
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
  EXPECT_EQ(mask_secret("LARDER_REMOTE", "redis://:hunt@er2@h:1/2"), "redis://****@h:1/2");
  EXPECT_EQ(mask_secret("LARDER_REMOTE", "redis://h/a@b"), "redis://h/a@b");
}
