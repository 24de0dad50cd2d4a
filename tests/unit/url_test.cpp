// net/url: URLs read by libcurl's URL API, and percent-encoding.
#include "net/url.hpp"

#include <gtest/gtest.h>

using namespace larder::net;

TEST(Url, ParsesAndFormats) {
  auto url = parse_url("https://user:pw@s3.eu-west-1.amazonaws.com:8443/a/b?x=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->user, "user");
  EXPECT_EQ(url->password, "pw");
  EXPECT_EQ(url->host, "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/a/b");
  EXPECT_EQ(url->query, "x=1");
  EXPECT_EQ(url->authority(), "s3.eu-west-1.amazonaws.com:8443");
  EXPECT_EQ(parse_url("http://127.0.0.1:80")->authority(), "127.0.0.1");
  EXPECT_EQ(parse_url("http://[::1]:9000/")->host, "::1");
  EXPECT_EQ(parse_url("http://[::1]:9000/")->origin(), "http://[::1]:9000");
  EXPECT_FALSE(parse_url("not a url"));
}

TEST(Url, DecodesUserAndPassword) {
  auto url = parse_url("redis://ci%40team:p%40ss%3Aw%2F@h");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->user, "ci@team");
  EXPECT_EQ(url->password, "p@ss:w/");
  EXPECT_EQ(parse_url("redis://:pw@h")->user, "");
  EXPECT_EQ(parse_url("redis://:pw@h")->password, "pw");
  EXPECT_EQ(parse_url("redis://u:@h")->password, "");
  EXPECT_EQ(parse_url("redis://u@h")->password, std::nullopt);
  EXPECT_EQ(parse_url("http://h")->user, std::nullopt);
}

TEST(Url, PathQueryAndSchemeAsLibcurlWritesThem) {
  auto bare = parse_url("HTTP://Host.Example");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->scheme, "http");
  EXPECT_EQ(bare->port, 0);
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(bare->query, "");
  auto url = parse_url("http://h/a%20b/c/?x=1&y=a%26b#part");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->path, "/a%20b/c/");
  EXPECT_EQ(url->query, "x=1&y=a%26b");
  EXPECT_EQ(parse_url("http://h/a/../b/./c")->path, "/b/c");
  EXPECT_EQ(parse_url("memcached://h:11211")->port, 11211);
}

TEST(Url, Ipv6KeepsItsZone) {
  auto url = parse_url("http://[fe80::1%25eth0]:8080/");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "fe80::1%eth0");
  EXPECT_EQ(url->authority(), "[fe80::1%25eth0]:8080");
  EXPECT_EQ(url_host("::1"), "[::1]");
  EXPECT_EQ(url_host("cache.example"), "cache.example");
}

TEST(Url, SaysWhatIsWrongWithoutQuotingTheUrl) {
  auto error_of = [](std::string_view text) {
    const auto parsed = parse_url(text);
    EXPECT_FALSE(parsed) << text;
    return parsed ? std::string() : parsed.error();
  };
  EXPECT_EQ(error_of("localhost:6379"), "no scheme://");
  EXPECT_EQ(error_of("[::1]:6379"), "no scheme://");
  EXPECT_EQ(error_of("http:/h"), "no scheme://");
  EXPECT_EQ(error_of("http://h:0"), "port 0");
  EXPECT_EQ(error_of(std::string_view("http://h\0.evil", 14)), "a NUL byte");
  EXPECT_NE(error_of("http://h:99999"), "");
  EXPECT_NE(error_of("redis://"), "");
  EXPECT_NE(error_of("redis://:p%0a@h"), "");  // a control character in a password
  const std::string error = error_of("redis://user:hunter2@[::1");
  EXPECT_NE(error, "");
  EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
}

TEST(Url, PercentEncoding) {
  EXPECT_EQ(percent_encode("a b+c=/é~", Slashes::Keep), "a%20b%2Bc%3D/%C3%A9~");
  EXPECT_EQ(percent_encode("a/b"), "a%2Fb");
  EXPECT_EQ(percent_decode("a%20b%2fc%zz"), "a b/c%zz");
  EXPECT_EQ(percent_decode("a+b%"), "a+b%");
  EXPECT_EQ(percent_decode("%00x"), std::string("\0x", 2));
  EXPECT_EQ(percent_decode(""), "");
  // Only the view's bytes are read: "%41" beyond it is not decoded.
  EXPECT_EQ(percent_decode(std::string_view("a%41", 3)), "a%4");
}
