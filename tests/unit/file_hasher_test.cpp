#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

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
  fs::path memo = dir / "memo" / "file-hashes";
  FileHasher hasher{memo};

  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(file.parent_path());
    write(file, "fn main() {}\n");
  }
  void TearDown() override { fs::remove_all(dir); }

  static void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::trunc) << text; }
  // Replaces `length` bytes of the memo table at `offset`, as a torn or racing write would.
  void patch_memo(size_t offset, const std::string& bytes) const {
    std::string table = read_file(memo).value_or("");
    ASSERT_GE(table.size(), offset + bytes.size());
    table.replace(offset, bytes.size(), bytes);
    ASSERT_TRUE(overwrite_file(memo, table));
  }
};

const std::string kFakeDigest(64, 'a');

}  // namespace

TEST_F(HasherFixture, ARememberedHashIsUsedWithoutReadingTheFile) {
  hasher.remember(file, kFakeDigest);
  EXPECT_EQ(hasher.hash(file), kFakeDigest);  // only the memo can have said that
  FileHasher another_process{memo};
  EXPECT_EQ(another_process.hash(file), kFakeDigest);
}

TEST_F(HasherFixture, AChangedFileIsHashedAgain) {
  hasher.remember(file, kFakeDigest);
  write(file, "fn main() { println!(\"changed\"); }\n");
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
}

TEST_F(HasherFixture, AMixedOrDamagedRecordIsIgnored) {
  hasher.remember(file, kFakeDigest);
  const size_t digest_at = read_file(memo).value_or("").find(kFakeDigest);
  ASSERT_NE(digest_at, std::string::npos);
  // Another digest under the same stamp, as a reader racing a rewrite could see it.
  patch_memo(digest_at, std::string(64, 'b'));
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
  // A record torn after its first half.
  hasher.remember(file, kFakeDigest);
  ASSERT_EQ(hasher.hash(file), kFakeDigest);
  patch_memo(digest_at, std::string(64, '\0'));
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
}

TEST_F(HasherFixture, ManyPathsShareTheOneTableFile) {
  std::vector<fs::path> files;
  for (int i = 0; i < 300; ++i) {
    files.push_back(dir / "src" / ("m" + std::to_string(i) + ".rs"));
    write(files.back(), "// module " + std::to_string(i) + "\n");
    hasher.remember(files.back(), std::string(63, 'c') + "0123456789"[i % 10]);
  }
  int remembered = 0;
  for (int i = 0; i < 300; ++i) remembered += hasher.hash(files[i]) == std::string(63, 'c') + "0123456789"[i % 10];
  EXPECT_EQ(remembered, 300);  // four records per bucket: a five-way clash is a 1e-6 chance
  size_t memo_files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "memo")) memo_files += e.is_regular_file();
  EXPECT_EQ(memo_files, 1u);
}

TEST_F(HasherFixture, AForeignOrShortTableIsNotTrusted) {
  fs::create_directories(memo.parent_path());
  write(memo, std::string(1000, 'a'));  // another layout, or cut short by a full disk
  EXPECT_EQ(hasher.hash(file), sha256_file(file));
  hasher.remember(file, kFakeDigest);
  EXPECT_EQ(hasher.hash(file), kFakeDigest);  // the table was grown to its size and works
}

TEST_F(HasherFixture, AFifoOrDeviceIsAChangedInputNeverRead) {
  const fs::path fifo = dir / "src" / "fifo.rs";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_FALSE(hasher.hash(fifo).has_value());
  EXPECT_FALSE(hasher.hash("/dev/zero").has_value());
  fs::create_symlink("/dev/zero", dir / "src" / "zero.rs");
  EXPECT_FALSE(hasher.hash(dir / "src" / "zero.rs").has_value());
  // A symlink to a regular source is still a source.
  fs::create_symlink(file, dir / "src" / "link.rs");
  EXPECT_EQ(hasher.hash(dir / "src" / "link.rs"), sha256_file(file));
}

TEST_F(HasherFixture, AMemoTableThatIsALinkOrAFifoIsNotUsed) {
  // The table is written: a symlink in its place must not make larder write through it.
  const fs::path victim = dir / "victim";
  write(victim, "keep me");
  fs::create_directories(memo.parent_path());
  fs::create_symlink(victim, memo);
  FileHasher linked{memo};
  EXPECT_EQ(linked.hash(file), sha256_file(file));
  linked.remember(file, std::string(64, 'b'));
  EXPECT_EQ(read_file(victim), "keep me");
  fs::remove(memo);
  ASSERT_EQ(::mkfifo(memo.c_str(), 0644), 0);
  FileHasher fifo{memo};
  EXPECT_EQ(fifo.hash(file), sha256_file(file));  // returns: the FIFO is never opened blocking
}
