#include <gtest/gtest.h>

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
