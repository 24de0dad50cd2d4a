#include <gtest/gtest.h>
#include <algorithm>

#include "rustc/arguments.hpp"
#include "rustc/base_dirs.hpp"
#include "util/path_map.hpp"

using namespace larder;

TEST(PathMap, ReplacesWholePathPrefixesOnly) {
  PathMap map({{"{workspace}", "/builds/a/ws"}, {"{cargo_home}", "/root/.cargo"}});
  EXPECT_EQ(map.to_portable("/builds/a/ws/src/lib.rs"), "{workspace}/src/lib.rs");
  EXPECT_EQ(map.to_portable("dependency=/builds/a/ws/target/debug/deps"), "dependency={workspace}/target/debug/deps");
  EXPECT_EQ(map.to_portable("/builds/a/ws"), "{workspace}");
  EXPECT_EQ(map.to_portable("/builds/a/wsx/src"), "/builds/a/wsx/src");
  EXPECT_EQ(map.to_portable("/x/builds/a/ws/src"), "/x/builds/a/ws/src");
  EXPECT_EQ(map.to_portable("\"/root/.cargo/registry\""), "\"{cargo_home}/registry\"");
  EXPECT_EQ(map.to_local("{workspace}/src/lib.rs"), "/builds/a/ws/src/lib.rs");
}

TEST(PathMap, LongerFoldersWinOverTheirParents) {
  PathMap map({{"{workspace}", "/ws"}, {"{target}", "/ws/out/target"}});
  EXPECT_EQ(map.to_portable("/ws/out/target/debug"), "{target}/debug");
  EXPECT_EQ(map.to_portable("/ws/src"), "{workspace}/src");
}

TEST(BaseDirs, DetectsWorkspaceCargoHomeAndOutsideTargetDir) {
  auto args = rustc::parse_arguments({"--crate-name", "a", "src/lib.rs", "-L", "dependency=/tmp/t/debug/deps"});
  auto map = rustc::detect_base_dirs({"/ws", std::nullopt, "/ws/crates/a", "/home/u/.cargo", "/home/u"}, args);
  EXPECT_EQ(map.path_of("{workspace}"), "/ws");
  EXPECT_EQ(map.path_of("{cargo_home}"), "/home/u/.cargo");
  EXPECT_EQ(map.path_of("{target}"), "/tmp/t");
}

// A target folder inside the workspace is a base folder of its own too: the keys of a build
// into ./target and of one into a CARGO_TARGET_DIR elsewhere must be the same.
TEST(BaseDirs, ATargetDirInsideTheWorkspaceIsItsOwnBaseDir) {
  auto inside = rustc::parse_arguments({"--crate-name", "a", "src/lib.rs", "-L", "dependency=/ws/target/debug/deps"});
  auto outside = rustc::parse_arguments({"--crate-name", "a", "src/lib.rs", "-L", "dependency=/tmp/t/debug/deps"});
  auto in_map = rustc::detect_base_dirs({"/ws", std::nullopt, "/ws", "/home/u/.cargo", "/home/u"}, inside);
  auto out_map = rustc::detect_base_dirs({"/ws", std::nullopt, "/ws", "/home/u/.cargo", "/home/u"}, outside);
  EXPECT_EQ(in_map.path_of("{target}"), "/ws/target");
  EXPECT_EQ(in_map.to_portable("/ws/target/debug/deps"), out_map.to_portable("/tmp/t/debug/deps"));
  EXPECT_EQ(in_map.to_portable("/ws/src/lib.rs"), "{workspace}/src/lib.rs");
}

TEST(BaseDirs, RegistryCratesHaveNoWorkspace) {
  auto args = rustc::parse_arguments({"--crate-name", "serde", "src/lib.rs"});
  const std::string pkg = "/home/u/.cargo/registry/src/index/serde-1.0.0";
  auto map = rustc::detect_base_dirs({pkg, std::nullopt, pkg, std::nullopt, "/home/u"}, args);
  EXPECT_EQ(map.path_of("{workspace}"), "");
  EXPECT_EQ(map.to_portable(pkg + "/src/lib.rs"), "{cargo_home}/registry/src/index/serde-1.0.0/src/lib.rs");
}

TEST(BaseDirs, SettingOverridesAndNoneTurnsOff) {
  auto args = rustc::parse_arguments({"--crate-name", "a", "src/lib.rs"});
  EXPECT_TRUE(rustc::detect_base_dirs({"/ws", "none", "/ws", "/c", "/h"}, args).empty());
  auto map = rustc::detect_base_dirs({"/ws", "/a/b:/c/d", "/ws", "/c", "/h"}, args);
  EXPECT_EQ(map.path_of("{base0}"), "/a/b");
  EXPECT_EQ(map.path_of("{base1}"), "/c/d");
  const auto remaps = rustc::remap_arguments(map);
  ASSERT_EQ(remaps.size(), 2u);
}

TEST(PathMap, NestedFoldersOfAnyLengthInAnyOrderGiveTheSamePortableText) {
  // A checkout whose target folder is longer than its workspace, one where it is shorter, and
  // CARGO_HOME inside the workspace: every order of the same folders maps the same way.
  const std::vector<std::vector<BaseDir>> checkouts = {
      {{"{workspace}", "/w"}, {"{target}", "/out/a-much-longer-target-folder"}, {"{cargo_home}", "/w/.cargo"}},
      {{"{workspace}", "/builds/group/project/a-deep-workspace"},
       {"{target}", "/t"},
       {"{cargo_home}", "/builds/group/project/a-deep-workspace/.cargo"}},
  };
  for (const auto& dirs : checkouts) {
    std::vector<BaseDir> order = dirs;
    std::sort(order.begin(), order.end(), [](const BaseDir& a, const BaseDir& b) { return a.marker < b.marker; });
    std::vector<std::string> portable;
    std::vector<std::string> markers;
    do {
      PathMap map(order);
      const std::string ws = map.path_of("{workspace}");
      const std::string text = ws + "/src/lib.rs " + map.path_of("{target}") + "/debug/deps " + ws +
                               "/.cargo/registry/x " + ws + "/.cargo-not/y";
      portable.push_back(map.to_portable(text));
      EXPECT_EQ(map.to_local(portable.back()), text);
      std::string names;
      for (const auto& dir : map.dirs()) names += dir.marker;
      markers.push_back(names);
    } while (std::next_permutation(order.begin(), order.end(),
                                   [](const BaseDir& a, const BaseDir& b) { return a.marker < b.marker; }));
    ASSERT_EQ(portable.size(), 6u);
    for (const auto& text : portable) {
      EXPECT_EQ(text, "{workspace}/src/lib.rs {target}/debug/deps {cargo_home}/registry/x {workspace}/.cargo-not/y");
    }
    for (const auto& names : markers) EXPECT_EQ(names, "{cargo_home}{target}{workspace}");
  }
}

TEST(PathMap, DropsEmptyRootAndRepeatedFolders) {
  PathMap map({{"{base0}", ""}, {"{base1}", "/"}, {"{base2}", "/a"}, {"{base3}", "/a/"}, {"", "/b"}});
  ASSERT_EQ(map.dirs().size(), 1u);
  EXPECT_EQ(map.dirs()[0].marker, "{base2}");
  EXPECT_EQ(replace_path_prefix("/a/b", "", "x"), "/a/b");
}

TEST(BaseDirs, RemapsPutTheMostSpecificFolderLast) {
  // rustc applies the last --remap-path-prefix that matches.
  PathMap map({{"{cargo_home}", "/w/.cargo"}, {"{target}", "/a-long-target-folder"}, {"{workspace}", "/w"}});
  EXPECT_EQ(rustc::remap_arguments(map),
            (std::vector<std::string>{"--remap-path-prefix=/w=.", "--remap-path-prefix=/w/.cargo=cargo-home",
                                      "--remap-path-prefix=/a-long-target-folder=target"}));
}
