#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "storage/local/local_storage.hpp"
#include "temp_folder.hpp"
#include "util/files.hpp"

using namespace larder;
using namespace larder::storage;
namespace fs = std::filesystem;

namespace {

struct LocalStorageTest : larder::test_support::TempFolderTest {
  fs::path object(const std::string& name) const {
    return dir / "cache" / name.substr(0, 1) / name.substr(1, 1) / name;
  }
  static int64_t mtime_of(const fs::path& path) { return lstat_file(path)->mtime_ns; }
  static void set_mtime(const fs::path& path, int64_t seconds) {
    const struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
};

}  // namespace

TEST_F(LocalStorageTest, AReadMarksTheObjectUsed) {
  LocalStorage local(dir, 1 << 30);
  ASSERT_TRUE(local.put("ab12.entry", "bytes").ok);
  set_mtime(object("ab12.entry"), 1000);
  const auto got = local.get("ab12.entry");
  ASSERT_EQ(got.outcome, Outcome::Ok);
  EXPECT_EQ(got.data, "bytes");
  EXPECT_GT(mtime_of(object("ab12.entry")), now_ns() - 60LL * 1000000000);
}

TEST_F(LocalStorageTest, WhatIsNotARegularFileIsAnErrorAndNeverFollowed) {
  LocalStorage local(dir, 1 << 30);
  ASSERT_TRUE(local.put("ab12.entry", "x").ok);
  const fs::path outside = write("outside", "secret");
  set_mtime(outside, 1000);
  fs::remove(object("ab12.entry"));
  fs::create_symlink(outside, object("ab12.entry"));
  EXPECT_EQ(local.get("ab12.entry").outcome, Outcome::Error);
  EXPECT_EQ(mtime_of(outside), 1000LL * 1000000000);                   // the target was not touched
  EXPECT_FALSE(fs::exists(fs::symlink_status(object("ab12.entry"))));  // damage is removed
  EXPECT_EQ(read_file(outside), "secret");
  ASSERT_EQ(::mkfifo(object("ab12.entry").c_str(), 0644), 0);
  EXPECT_EQ(local.get("ab12.entry").outcome, Outcome::Error);  // returns: never waits on the FIFO
  EXPECT_FALSE(fs::exists(fs::symlink_status(object("ab12.entry"))));
  fs::create_symlink("/dev/zero", object("ab12.entry"));
  EXPECT_EQ(local.get("ab12.entry").outcome, Outcome::Error);
  EXPECT_EQ(local.get("cd34.entry").outcome, Outcome::NotFound);
}

TEST_F(LocalStorageTest, TrimRemovesWhatWasNotUsedSince) {
  LocalStorage local(dir, 1 << 30);
  for (const char* name : {"a1.entry", "a2.entry", "b1.manifest", "c1.entry"})
    ASSERT_TRUE(local.put(name, "0123456789").ok);
  for (const char* name : {"a1.entry", "a2.entry", "b1.manifest", "c1.entry"}) set_mtime(object(name), 1000);
  const int64_t job_start = now_ns() - 1000000000;
  ASSERT_EQ(local.get("a2.entry").outcome, Outcome::Ok);
  set_mtime(object("c1.entry"), 4000000000);  // written by another clock, never used here
  const TrimReport report = local.trim(job_start);
  EXPECT_EQ(report.removed.files, 3u);
  EXPECT_EQ(report.removed.bytes, 30u);
  EXPECT_EQ(report.kept.files, 1u);
  EXPECT_EQ(report.kept.bytes, 10u);
  EXPECT_TRUE(lstat_file(object("a2.entry")));
  EXPECT_FALSE(lstat_file(object("a1.entry")));
  EXPECT_FALSE(lstat_file(object("c1.entry")));
  EXPECT_EQ(local.usage().files, 1u);
  EXPECT_EQ(local.usage().bytes, 10u);
}

TEST_F(LocalStorageTest, TrimRemovesDamageButNothingOutside) {
  LocalStorage local(dir, 1 << 30);
  ASSERT_TRUE(local.put("a1.entry", "0123456789").ok);
  const fs::path outside = write("outside", "keep me");
  fs::create_symlink(outside, object("a1.link"));
  ASSERT_EQ(::mkfifo((dir / "cache" / "a" / "1" / "a1.fifo").c_str(), 0644), 0);
  fs::create_symlink(dir, dir / "cache" / "a" / "9");
  const TrimReport report = local.trim(std::nullopt);
  EXPECT_EQ(report.kept.files, 1u);
  EXPECT_EQ(read_file(outside), "keep me");
  EXPECT_FALSE(fs::exists(fs::symlink_status(object("a1.link"))));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "cache" / "a" / "9")));
  EXPECT_TRUE(fs::exists(dir / "outside"));
}

TEST_F(LocalStorageTest, UsageStaysExactAcrossOverwritesAndRemoves) {
  LocalStorage local(dir, 1 << 30);
  ASSERT_TRUE(local.put("a1.entry", "12345").ok);
  ASSERT_TRUE(local.put("a1.entry", "1234567").ok);
  ASSERT_TRUE(local.put("a2.entry", "12").ok);
  EXPECT_EQ(local.usage().files, 2u);
  EXPECT_EQ(local.usage().bytes, 9u);
  ASSERT_TRUE(local.remove("a1.entry").ok);
  EXPECT_EQ(local.usage().files, 1u);
  EXPECT_EQ(local.usage().bytes, 2u);
}

TEST_F(LocalStorageTest, AWriteNeverLandsThroughASymlinkedFolder) {
  LocalStorage local(dir, 1 << 30);
  const fs::path elsewhere = dir / "elsewhere";
  fs::create_directories(elsewhere);
  fs::create_directories(dir / "cache");
  fs::create_symlink(elsewhere, dir / "cache" / "a");
  ASSERT_TRUE(local.put("a1.entry", "x").ok);
  EXPECT_TRUE(fs::is_empty(elsewhere));
  EXPECT_EQ(local.get("a1.entry").data, "x");
}
