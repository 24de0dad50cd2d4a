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
  auto s = Settings::load_from({{"SCCACHE_BUCKET", "old"}, {"CACHEPOT_REGION", "eu-west-1"},
                                {"LARDER_CACHE_SIZE", "500M"}, {"SCCACHE_CACHE_SIZE", "1G"}});
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

TEST(Settings, MasksSecrets) {
  EXPECT_EQ(mask_secret("LARDER_REMOTE", "redis://user:pw@host:6379/0,http://h/cache?token=abc"),
            "redis://****@host:6379/0,http://h/cache?****");
}
