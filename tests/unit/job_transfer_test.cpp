// The pieces `larder cache push` and `larder cache prefetch` are made of: the index object,
// the upload queue, object-name checks, and the local tier's "used since" listing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cache/object_checks.hpp"
#include "cache/object_codec.hpp"
#include "cache/prefetch_index.hpp"
#include "cache/upload_queue.hpp"
#include "storage/local/local_storage.hpp"
#include "temp_folder.hpp"
#include "util/binary_io.hpp"
#include "util/files.hpp"

using namespace larder;
using namespace larder::cache;
namespace fs = std::filesystem;

namespace {

const std::string kEntry = std::string(64, 'a') + ".entry";
const std::string kManifest = std::string(64, '0') + ".manifest";

struct JobTransferTest : larder::test_support::TempFolderTest {};

}  // namespace

TEST(ObjectNames, OnlyDigestsWithAnObjectSuffixAreObjectNames) {
  EXPECT_TRUE(is_object_name(kEntry));
  EXPECT_TRUE(is_object_name(kManifest));
  EXPECT_FALSE(is_object_name(std::string(64, 'a') + ".index"));
  EXPECT_FALSE(is_object_name(std::string(63, 'a') + ".entry"));
  EXPECT_FALSE(is_object_name(std::string(64, 'A') + ".entry"));
  EXPECT_FALSE(is_object_name("../" + std::string(61, 'a') + ".entry"));
  EXPECT_FALSE(is_object_name(kEntry + "\n"));
}

TEST(ObjectChecks, AnEntryMustBeTheObjectItsNameNames) {
  EXPECT_THROW(checked_objects(kEntry, "not this"), CorruptData);
  EXPECT_THROW(checked_objects("x.entry", "x"), CorruptData);
}

TEST(PrefetchIndex, RoundTripsAndNamesTheIndexByItsName) {
  const std::vector<std::string> names = {kEntry, kManifest};
  EXPECT_EQ(deserialize_index(serialize_index(names)), names);
  EXPECT_EQ(deserialize_index(serialize_index({})), std::vector<std::string>{});
  EXPECT_TRUE(index_object_name("org/repo/job/main").ends_with(".index"));
  EXPECT_NE(index_object_name("org/repo/job/main"), index_object_name("org/repo/job/dev"));
}

TEST(PrefetchIndex, RefusesNamesThatAreNotObjectsCountsOutOfBoundsAndOtherObjects) {
  EXPECT_THROW(deserialize_index(serialize_index({"../../etc/passwd"})), CorruptData);
  EXPECT_THROW(deserialize_index(serialize_index({std::string(64, 'a') + ".index"})), CorruptData);
  BinaryWriter huge;
  huge.u32(kMaxIndexObjects + 1);
  EXPECT_THROW(deserialize_index(encode_object(ObjectType::Index, huge.buffer())), CorruptData);
  BinaryWriter short_of_names;
  short_of_names.u32(3);
  short_of_names.bytes(kEntry);
  EXPECT_THROW(deserialize_index(encode_object(ObjectType::Index, short_of_names.buffer())), CorruptData);
  BinaryWriter one;
  one.u32(1);
  one.bytes(kEntry);
  EXPECT_THROW(deserialize_index(encode_object(ObjectType::Manifest, one.buffer())), CorruptData);
  EXPECT_THROW(deserialize_index("garbage"), CorruptData);
}

TEST_F(JobTransferTest, TheQueueGivesEachNameOnceAndKeepsWhatIsQueuedDuringAPush) {
  UploadQueue queue(dir);
  EXPECT_TRUE(queue.take().names.empty());
  ASSERT_TRUE(queue.add({kEntry, kManifest}));
  ASSERT_TRUE(queue.add({kEntry}));
  const auto taken = queue.take();
  EXPECT_EQ(taken.names, (std::vector<std::string>{kEntry, kManifest}));
  ASSERT_TRUE(queue.add({kManifest}));  // a wrapper queues while the push uploads
  queue.done(taken);
  const auto next = queue.take();
  EXPECT_EQ(next.names, std::vector<std::string>{kManifest});
}

TEST_F(JobTransferTest, APushThatDiedLeavesItsNamesForTheNext) {
  UploadQueue queue(dir);
  ASSERT_TRUE(queue.add({kEntry}));
  (void)queue.take();  // taken, never done: the push died
  ASSERT_TRUE(queue.add({kManifest}));
  EXPECT_EQ(queue.take().names, (std::vector<std::string>{kEntry, kManifest}));
}

TEST_F(JobTransferTest, QueueLinesThatAreNotObjectNamesAreIgnored) {
  UploadQueue queue(dir);
  fs::create_directories(dir / "upload-queue");
  std::ofstream(dir / "upload-queue" / "queue") << "../../etc/passwd\n" << kEntry << "\n\nrubbish";
  EXPECT_EQ(queue.take().names, std::vector<std::string>{kEntry});
}

TEST_F(JobTransferTest, AQueueReplacedBySymlinkIsNotFollowed) {
  const fs::path outside = dir / "outside";
  std::ofstream(outside) << kEntry << "\n";
  fs::create_directories(dir / "cache-dir" / "upload-queue");
  fs::create_symlink(outside, dir / "cache-dir" / "upload-queue" / "queue");
  UploadQueue queue(dir / "cache-dir");
  EXPECT_FALSE(queue.add({kManifest}));
  EXPECT_TRUE(queue.take().names.empty());
  std::ifstream in(outside);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, kEntry + "\n");
}

TEST_F(JobTransferTest, TheLocalTierListsWhatWasUsedSinceATime) {
  storage::LocalStorage local(dir, 1 << 30);
  ASSERT_TRUE(local.put(kEntry, "old").ok);
  const fs::path old_path = dir / "cache" / "a" / "a" / kEntry;
  const struct timespec times[2] = {{1000, 0}, {1000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, old_path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  const int64_t since = now_ns() - 1;
  ASSERT_TRUE(local.put(kManifest, "new").ok);
  EXPECT_EQ(local.used_since(since), std::vector<std::string>{kManifest});
  EXPECT_TRUE(local.contains(kEntry));
  EXPECT_FALSE(local.contains(std::string(64, 'b') + ".entry"));
  ASSERT_TRUE(local.get(kEntry).outcome == storage::Outcome::Ok);  // a read marks it used
  EXPECT_EQ(local.used_since(since).size(), 2u);
}
