#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cache/file_hasher.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

using namespace larder;
using namespace larder::cache;
namespace fs = std::filesystem;

namespace {

struct HasherFixture : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("larder-hasher-test-" + std::to_string(::getpid()));
  fs::path file = dir / "src" / "lib.rs";
  FileHasher hasher{dir / "memo"};

  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(file.parent_path());
    write("fn main() {}\n");
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string& text) { std::ofstream(file, std::ios::trunc) << text; }
  // The one memo record the hasher keeps for `file`.
  fs::path memo_file() const {
    for (const auto& e : fs::recursive_directory_iterator(dir / "memo")) {
      if (e.is_regular_file()) return e.path();
    }
    return {};
  }
  std::string read_memo() const { return read_file(memo_file()).value_or(""); }
};

const std::string kFakeDigest(64, 'a');

}  // namespace

TEST_F(HasherFixture, ARememberedHashIsUsedWithoutReadingTheFile) {
  hasher.remember(file, kFakeDigest);
  EXPECT_EQ(hasher.hash(file), kFakeDigest);  // only the memo can have said that
}

TEST_F(HasherFixture, AChangedFileIsHashedAgain) {
  hasher.remember(file, kFakeDigest);
  write("fn main() { println!(\"changed\"); }\n");
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
}

TEST_F(HasherFixture, AMixedOrDamagedRecordIsIgnored) {
  hasher.remember(file, kFakeDigest);
  std::string record = read_memo();
  ASSERT_FALSE(record.empty());
  // Another digest under the same stamp, as a reader racing a rewrite could see it.
  const size_t digest_at = record.find(kFakeDigest);
  ASSERT_NE(digest_at, std::string::npos);
  record.replace(digest_at, 64, std::string(64, 'b'));
  ASSERT_TRUE(overwrite_file(memo_file(), record));
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
  ASSERT_TRUE(overwrite_file(memo_file(), record.substr(0, record.size() / 2)));
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
}

TEST(OverwriteFile, CreatesFoldersAndCutsALongerOldRecord) {
  const fs::path dir = fs::temp_directory_path() / ("larder-overwrite-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path path = dir / "a" / "b" / "record";
  ASSERT_TRUE(overwrite_file(path, "a long first record"));
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(overwrite_file(path, "short"));
  EXPECT_EQ(read_file(path), "short");
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);  // rewritten in place, not replaced
  fs::remove_all(dir);
}
