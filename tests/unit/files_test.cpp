#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "temp_folder.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

using namespace larder;
namespace fs = std::filesystem;

using FilesFixture = larder::test_support::TempFolderTest;
using larder::test_support::pattern;

TEST_F(FilesFixture, ReadsWholeFilesOfEverySize) {
  for (const size_t size : {size_t{0}, size_t{5}, size_t{70000}, size_t{3} << 20}) {
    const std::string bytes = pattern(size);
    const fs::path path = write("f" + std::to_string(size), bytes);
    EXPECT_EQ(read_file(path), bytes) << size;
    std::string exact(size, 'x');
    EXPECT_TRUE(read_file_exactly(path, exact.data(), size)) << size;
    EXPECT_EQ(exact, bytes) << size;
  }
  EXPECT_FALSE(read_file(dir / "missing").has_value());
}

TEST_F(FilesFixture, ReadingExactlyRefusesAFileOfAnotherSize) {
  const fs::path path = write("f", "12345");
  std::string room(6, 'x');
  EXPECT_FALSE(read_file_exactly(path, room.data(), 6));  // it shrank
  EXPECT_FALSE(read_file_exactly(path, room.data(), 4));  // it grew
  EXPECT_FALSE(read_file_exactly(dir / "missing", room.data(), 0));
}

TEST_F(FilesFixture, ReadsAFileWhoseSizeTheKernelDoesNotReport) {
  // /proc files stat as empty and still have contents: read_file reads on to the end.
  const auto status = read_file("/proc/self/status");
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(status->find("Pid:"), std::string::npos);
}

TEST_F(FilesFixture, Xxh3FingerprintsFileContents) {
  EXPECT_EQ(xxh3_128_file(write("empty", "")), "99aa06d3014798d86001c324468d497f");  // the reference value
  const fs::path a = write("a", pattern(200000));
  const std::string before = xxh3_128_file(a).value_or("");
  EXPECT_EQ(before.size(), 32u);
  std::string changed = pattern(200000);
  changed[123456] ^= 1;
  EXPECT_NE(xxh3_128_file(write("a", changed)), before);
  EXPECT_FALSE(xxh3_128_file(dir / "missing").has_value());
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

TEST_F(FilesFixture, TellsWhetherAFileHoldsExactlyGivenBytes) {
  const std::string bytes = pattern(200000);  // several chunks
  const fs::path path = write("held", bytes);
  EXPECT_TRUE(file_holds_exactly(path, bytes));
  EXPECT_FALSE(file_holds_exactly(path, std::string_view(bytes).substr(0, bytes.size() - 1)));  // file is longer
  EXPECT_FALSE(file_holds_exactly(path, bytes + "x"));                                          // file is shorter
  std::string changed = bytes;
  changed[150000] = static_cast<char>(changed[150000] ^ 1);
  EXPECT_FALSE(file_holds_exactly(path, changed));
  EXPECT_TRUE(file_holds_exactly(write("empty", ""), ""));
  EXPECT_FALSE(file_holds_exactly(dir / "missing", ""));
}

TEST_F(FilesFixture, ReadsPartsOfFiles) {
  const std::string bytes = pattern(100000);
  const fs::path path = write("parts", bytes);
  EXPECT_EQ(read_file_part(path, 0, 64), bytes.substr(0, 64));
  EXPECT_EQ(read_file_part(path, 70000, 4096), bytes.substr(70000, 4096));
  EXPECT_EQ(read_file_part(path, 99990, 4096), bytes.substr(99990));  // fewer at the end
  EXPECT_EQ(read_file_part(path, 200000, 10), "");
  EXPECT_EQ(read_file_part(dir / "missing", 0, 10), "");
}

// Files named by cache objects or placed in LARDER_DIR: a FIFO or a device is refused at
// once, never read (a FIFO would block forever, /dev/zero never ends).
TEST_F(FilesFixture, NeverReadsAFifoOrADevice) {
  const fs::path fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  fs::create_symlink("/dev/zero", dir / "zero");
  for (const fs::path& path : {fifo, dir / "zero", fs::path("/dev/zero"), fs::path("/dev/null")}) {
    EXPECT_FALSE(read_file(path).has_value()) << path;
    EXPECT_FALSE(read_regular_file(path, 1 << 20, Symlinks::Follow).has_value()) << path;
    EXPECT_FALSE(sha256_file(path).has_value()) << path;
    EXPECT_FALSE(xxh3_128_file(path).has_value()) << path;
    EXPECT_EQ(read_file_part(path, 0, 16), "") << path;
    char byte;
    EXPECT_FALSE(read_file_exactly(path, &byte, 1)) << path;
    EXPECT_FALSE(file_holds_exactly(path, "")) << path;
  }
}

TEST_F(FilesFixture, ASymlinkToARegularFileIsFollowedOnlyWhenAllowed) {
  const fs::path target = write("target", "bytes");
  fs::create_symlink(target, dir / "link");
  EXPECT_EQ(read_file(dir / "link"), "bytes");
  EXPECT_EQ(sha256_file(dir / "link"), sha256_file(target));
  EXPECT_EQ(read_regular_file(dir / "link", 100, Symlinks::Follow), "bytes");
  EXPECT_FALSE(read_regular_file(dir / "link", 100, Symlinks::Refuse).has_value());
  EXPECT_EQ(read_regular_file(target, 100, Symlinks::Refuse), "bytes");
}

TEST_F(FilesFixture, AFileBeyondItsSizeLimitIsNotRead) {
  const fs::path path = write("big", pattern(5000));
  EXPECT_FALSE(read_regular_file(path, 4999, Symlinks::Refuse).has_value());
  EXPECT_EQ(errno, EFBIG);
  EXPECT_EQ(read_regular_file(path, 5000, Symlinks::Refuse), pattern(5000));
}

TEST_F(FilesFixture, AtomicWritesLeaveNoTemporaryFiles) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(write_file_atomic(dir / "out" / "file", pattern(100, i), 0640));
  EXPECT_EQ(read_file(dir / "out" / "file"), pattern(100, 2));
  EXPECT_EQ((fs::status(dir / "out" / "file").permissions() & fs::perms::all), fs::perms(0640));
  size_t files = 0;
  for ([[maybe_unused]] const auto& item : fs::directory_iterator(dir / "out")) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(FilesFixture, AFailedWriteSaysWhatItCouldNotDo) {
  const fs::path file = write("file", "x");
  const auto written = write_file_atomic(file / "below", "data");
  ASSERT_FALSE(written);
  EXPECT_TRUE(written.error().starts_with("cannot create " + (file / "below").string() + ".tmp."));
  EXPECT_TRUE(written.error().ends_with(": Not a directory"));
  const auto replaced = replace_output_file(file / "below", "data", 0644);
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error(), "cannot replace " + (file / "below").string() + ": Not a directory");
}

TEST_F(FilesFixture, TemporaryFilesOfGoneWritersAreRemoved) {
  // A pid that runs no process (beyond pid_max), this process's own, and no temp at all.
  const fs::path dead = write("memo.json.tmp.99999999.0.1", "x");
  const fs::path alive = write("memo.json.tmp." + std::to_string(::getpid()) + ".0.1", "x");
  const fs::path kept = write("memo.json", "x");
  remove_stale_temps(dir);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(kept));
  remove_stale_temps(dir, -1);  // everything is older than that
  EXPECT_FALSE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(kept));
}

TEST_F(FilesFixture, OverwritingNeverWritesThroughASymlinkOrWaitsOnAFifo) {
  const fs::path victim = write("victim", "keep");
  fs::create_symlink(victim, dir / "record");
  ASSERT_TRUE(overwrite_file(dir / "record", "new"));
  EXPECT_EQ(read_file(victim), "keep");
  EXPECT_FALSE(fs::is_symlink(dir / "record"));
  EXPECT_EQ(read_file(dir / "record"), "new");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  ASSERT_TRUE(overwrite_file(dir / "fifo", "bytes"));  // returns: the FIFO is replaced
  EXPECT_EQ(read_file(dir / "fifo"), "bytes");
}
