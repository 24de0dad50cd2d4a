#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "temp_folder.hpp"
#include "util/ar_archive.hpp"
#include "util/files.hpp"

using namespace larder;
namespace fs = std::filesystem;

namespace {
struct ArArchiveFixture : larder::test_support::TempFolderTest {
  std::string slurp(const fs::path& path) const { return read_file(path).value_or(""); }
};
using larder::test_support::pattern;
}  // namespace

// The archive is made by binutils' ar, as rustc's own archive writer makes GNU archives: odd
// sizes (padding), a name longer than 15 characters (the "//" name table) and a symbol-less
// member list.
TEST_F(ArArchiveFixture, FindsEveryMemberOfAnArchiveMadeByAr) {
  const std::string a = pattern(4097, 1), b = pattern(70001, 2), c = "short";
  write("lib.rmeta", a);
  write("a_rather_long_member_name.o", b);
  write("c.o", c);
  const std::string command = "cd '" + dir.string() + "' && ar qc archive.a lib.rmeta a_rather_long_member_name.o c.o";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string archive = slurp(dir / "archive.a");
  const auto members = ar_members(dir / "archive.a", archive.size());
  std::vector<std::string> found;
  for (const auto& member : members) found.push_back(archive.substr(member.offset, member.size));
  // GNU ar writes the long-name table as a member of its own, before the others.
  ASSERT_GE(found.size(), 3u);
  EXPECT_EQ(found[found.size() - 3], a);
  EXPECT_EQ(found[found.size() - 2], b);
  EXPECT_EQ(found[found.size() - 1], c);
}

TEST_F(ArArchiveFixture, FindsNoMembersInOtherFiles) {
  const std::string text = "!<arch> is not at the start\n" + pattern(200, 3);
  EXPECT_TRUE(ar_members(write("not-archive", text), text.size()).empty());
  EXPECT_TRUE(ar_members(dir / "missing", 100).empty());
}

TEST_F(ArArchiveFixture, StopsAtADamagedOrCutHeader) {
  write("one.o", pattern(300, 4));
  write("two.o", pattern(500, 5));
  const std::string command = "cd '" + dir.string() + "' && ar qc archive.a one.o two.o";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string archive = slurp(dir / "archive.a");
  ASSERT_EQ(ar_members(dir / "archive.a", archive.size()).size(), 2u);
  // Cut inside the second member: only the first is whole.
  const std::string cut = archive.substr(0, archive.size() - 100);
  EXPECT_EQ(ar_members(write("cut.a", cut), cut.size()).size(), 1u);
  // A second header without its "`\n" end: not understood, nothing past it trusted.
  std::string damaged = archive;
  damaged[8 + 60 + 300 + 58] = 'x';
  EXPECT_EQ(ar_members(write("damaged.a", damaged), damaged.size()).size(), 1u);
}
