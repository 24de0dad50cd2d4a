#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/settings.hpp"

using namespace larder;

TEST(Settings, DefaultsAndSources) {
  auto s = Settings::load_from({{"HOME", "/home/u"}});
  EXPECT_EQ(s.cache_dir(), "/home/u/.cache/larder");
  EXPECT_EQ(s.cache_size_bytes(), 10ULL << 30);
  EXPECT_EQ(s.get("LARDER_LOG"), "warn");
  EXPECT_FALSE(s.get("LARDER_BUCKET").has_value());
  EXPECT_TRUE(s.problems().empty());
}

TEST(Settings, LarderWinsOverMigrationTwins) {
  auto s = Settings::load_from({{"SCCACHE_BUCKET", "old"},
                                {"CACHEPOT_REGION", "eu-west-1"},
                                {"LARDER_CACHE_SIZE", "500M"},
                                {"SCCACHE_CACHE_SIZE", "1G"}});
  EXPECT_EQ(s.get("LARDER_BUCKET"), "old");
  EXPECT_EQ(s.get("LARDER_REGION"), "eu-west-1");
  EXPECT_EQ(s.cache_size_bytes(), 500ULL << 20);
  for (const auto& v : s.all()) {
    if (v.name == "LARDER_BUCKET") {
      EXPECT_EQ(v.source, "env SCCACHE_BUCKET (migration twin)");
    }
  }
}

TEST(Settings, ReadsTheTomlFileBelowTheEnvironment) {
  const auto path = std::filesystem::temp_directory_path() / "larder-settings-test.toml";
  {
    std::ofstream out(path);
    out << "cache_size = \"2G\"\nLARDER_BUCKET = \"from-file\"\nread_only = true\n";
  }
  auto s = Settings::load_from({{"LARDER_CONFIG", path.string()}, {"LARDER_BUCKET", "from-env"}});
  EXPECT_EQ(s.cache_size_bytes(), 2ULL << 30);
  EXPECT_EQ(s.get("LARDER_BUCKET"), "from-env");
  EXPECT_TRUE(s.flag("LARDER_READ_ONLY"));
  EXPECT_TRUE(s.problems().empty());
  std::filesystem::remove(path);
}

TEST(Settings, ReportsBadInputInsteadOfFailing) {
  const auto path = std::filesystem::temp_directory_path() / "larder-settings-bad.toml";
  {
    std::ofstream out(path);
    out << "cache_size = [1, 2\n";
  }
  auto s = Settings::load_from({{"LARDER_CONFIG", path.string()}, {"LARDER_CACHE_SIZE", "lots"}});
  ASSERT_EQ(s.problems().size(), 2u);
  EXPECT_NE(s.problems()[0].find("not valid TOML"), std::string::npos);
  EXPECT_EQ(s.cache_size_bytes(), 10ULL << 30);
  std::filesystem::remove(path);
}

TEST(Settings, ReportsAKeylessTableHeaderWithoutAsserting) {
  // toml++ 3.3 asserts on these (fuzz/settings_toml); larder reports them as invalid TOML.
  const auto path = std::filesystem::temp_directory_path() / "larder-settings-header.toml";
  for (const char* text :
       {"[\n", "[[[[", "cache_size = \"1G\"\n  [ # a comment\n", "[, 2]\n", "[[[1]]]\n", "[ [a]]\n"}) {
    std::ofstream(path) << text;
    auto s = Settings::load_from({{"LARDER_CONFIG", path.string()}});
    ASSERT_EQ(s.problems().size(), 1u) << text;
    EXPECT_NE(s.problems()[0].find("not valid TOML"), std::string::npos) << text;
  }
  // Named tables still parse: bare, quoted, spaced, arrays of tables.
  for (const char* text : {"cache_size = \"1G\"\n[larder]\n", "[ \"larder\" ]\n", "[[ x-1 ]]\n", "['a']\n"}) {
    std::ofstream(path) << text;
    const auto named = Settings::load_from({{"LARDER_CONFIG", path.string()}});
    for (const auto& problem : named.problems()) {
      EXPECT_EQ(problem.find("not valid TOML"), std::string::npos) << text << ": " << problem;
    }
  }
  std::filesystem::remove(path);
}

TEST(Settings, RefusesNonAsciiOutsideOneLineStrings) {
  // toml++ 3.3 reaches __builtin_unreachable on some of these (fuzz/settings_toml).
  const auto path = std::filesystem::temp_directory_path() / "larder-settings-non-ascii.toml";
  for (const char* text : {"x = [1, \xce\x9b]\n", "a = 1 \xc3\xa9\n", "\xc3\xa9 = 1\n",
                           "# gr\xc3\xb6\xc3\x9f"
                           "e\n",
                           "d = \"\"\"\xc3\xa9\"\"\"\n", "d = \"a\"\xc3\xa9\n"}) {
    std::ofstream(path) << text;
    auto s = Settings::load_from({{"LARDER_CONFIG", path.string()}});
    ASSERT_EQ(s.problems().size(), 1u) << text;
    EXPECT_NE(s.problems()[0].find("non-ASCII"), std::string::npos) << text;
  }
  // A quoted path may hold any UTF-8, an escaped quote included.
  std::ofstream(path) << "dir = \"/tmp/caf\xc3\xa9 \\\" \xc3\xa9\"\ncache_size = '1G\xc3\xa9'\n";
  const auto quoted = Settings::load_from({{"LARDER_CONFIG", path.string()}});
  for (const auto& problem : quoted.problems()) EXPECT_EQ(problem.find("non-ASCII"), std::string::npos) << problem;
  EXPECT_EQ(quoted.cache_dir(), "/tmp/caf\xc3\xa9 \" \xc3\xa9");
  std::filesystem::remove(path);
}

TEST(Settings, MasksSecrets) {
  EXPECT_EQ(mask_secret("LARDER_REMOTE", "redis://user:pw@host:6379/0,http://h/cache?token=abc"),
            "redis://****@host:6379/0,http://h/cache?****");
}

namespace {

// The one problem `load_from` reports for this environment ("" when none, "many" when more).
std::string only_problem(const EnvironmentMap& environment) {
  auto s = Settings::load_from(environment);
  if (s.problems().empty()) return "";
  return s.problems().size() == 1 ? s.problems()[0] : "many";
}

testing::AssertionResult says(const std::string& problem, std::initializer_list<const char*> parts) {
  for (const char* part : parts) {
    if (problem.find(part) == std::string::npos)
      return testing::AssertionFailure() << "'" << part << "' is not in: " << problem;
  }
  return testing::AssertionSuccess();
}

}  // namespace

TEST(SettingChecks, NameWhatIsWrongAndHowToFixIt) {
  EXPECT_TRUE(
      says(only_problem({{"LARDER_REMOTE", "garbage://"}}),
           {"LARDER_REMOTE", "'garbage://'", "unknown scheme 'garbage://'", "use redis://, rediss://, memcached://"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_REMOTE", "http://[::1"}}),
                   {"'http://[::1'", "is not a valid URL (", "write scheme://host[:port][/path]"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_REMOTE", "localhost:6379"}}), {"is not a URL", "scheme://host"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_REMOTE", "memcached://a:11211,[::1"}}), {"at host '[::1'"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_REMOTE", "redis://"}}), {"LARDER_REMOTE: 'redis://'", "host"}));
  EXPECT_TRUE(
      says(only_problem({{"LARDER_LOG", "nonsense"}}),
           {"LARDER_LOG='nonsense' is not a log level", "off, error, warn, info, debug or trace", "using warn"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_CACHE_SIZE", "0"}}), {"LARDER_CACHE_SIZE='0'", "above zero", "10G"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_CACHE_SIZE", "lots"}}), {"LARDER_CACHE_SIZE='lots'", "such as 10G"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_READ_ONLY", "maybe"}}),
                   {"LARDER_READ_ONLY='maybe' is not a boolean", "set 1 (or true, yes, on) or 0", "using 0"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_CACHE_LINKED", "sometimes"}}), {"not a boolean", "using 1"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_ENDPOINT", "http://minio:90000"}}),
                   {"LARDER_ENDPOINT='http://minio:90000' is not a valid URL"}));
  EXPECT_EQ(only_problem({{"LARDER_ENDPOINT", "minio.local:9000"}}), "");  // https, as the S3 tier reads it
  EXPECT_TRUE(
      says(only_problem({{"LARDER_ENDPOINT", "ftp://minio"}}), {"unknown scheme 'ftp://'", "use http://, https://"}));
  EXPECT_TRUE(
      says(only_problem({{"LARDER_BUCKET", "s3://team/cache"}}), {"not a bucket name", "LARDER_S3_KEY_PREFIX"}));
  EXPECT_TRUE(says(only_problem({{"LARDER_DIR", "cache"}}), {"LARDER_DIR='cache' is a relative path", "absolute"}));
}

TEST(SettingChecks, AcceptWhatLarderUnderstands) {
  EXPECT_EQ(only_problem({{"LARDER_REMOTE",
                           "redis://user:pw@127.0.0.1:6379/0,memcached://a:11211,b:11212,"
                           "http://[::1]:8080/cache?insecure=1,azblob://acct/container,rediss://h"},
                          {"LARDER_LOG", "Debug"},
                          {"LARDER_CACHE_SIZE", "500M"},
                          {"LARDER_READ_ONLY", "yes"},
                          {"LARDER_DISABLE", ""},
                          {"LARDER_RECACHE", "Off"},
                          {"LARDER_ENDPOINT", "http://127.0.0.1:9000"},
                          {"LARDER_BUCKET", "my-bucket"},
                          {"LARDER_DIR", "/var/cache/larder"}}),
            "");
}

TEST(SettingChecks, NeverRepeatAPassword) {
  const std::string problem = only_problem({{"LARDER_REMOTE", "redis://user:hunter2@[::1"}});
  EXPECT_NE(problem, "");
  EXPECT_EQ(problem.find("hunter2"), std::string::npos) << problem;
}

TEST(SettingChecks, InvalidValuesFallBackToTheirDefaults) {
  auto s = Settings::load_from(
      {{"LARDER_CACHE_SIZE", "0"}, {"LARDER_CACHE_LINKED", "sometimes"}, {"LARDER_READ_ONLY", "maybe"}});
  EXPECT_EQ(s.cache_size_bytes(), 10ULL << 30);
  EXPECT_TRUE(s.flag("LARDER_CACHE_LINKED"));
  EXPECT_FALSE(s.flag("LARDER_READ_ONLY"));
  auto off = Settings::load_from({{"LARDER_CACHE_LINKED", "false"}, {"LARDER_READ_ONLY", "TRUE"}});
  EXPECT_FALSE(off.flag("LARDER_CACHE_LINKED"));
  EXPECT_TRUE(off.flag("LARDER_READ_ONLY"));
}
