#include <gtest/gtest.h>

#include "rustc/dep_info.hpp"

using larder::rustc::parse_dep_info;

TEST(DepInfo, ParsesSourcesTargetsAndEnvDeps) {
  const auto info = parse_dep_info(
      "/t/debug/deps/a-1.d: src/lib.rs src/m.rs /t/build/a/out/gen.rs\n\n"
      "/t/debug/deps/liba-1.rlib: src/lib.rs src/m.rs /t/build/a/out/gen.rs\n\n"
      "src/lib.rs:\nsrc/m.rs:\n/t/build/a/out/gen.rs:\n\n"
      "# env-dep:CARGO_PKG_NAME=a\n# env-dep:FOO_X\n");
  EXPECT_EQ(info.sources, (std::vector<std::string>{"src/lib.rs", "src/m.rs", "/t/build/a/out/gen.rs"}));
  EXPECT_EQ(info.targets, (std::vector<std::string>{"/t/debug/deps/a-1.d", "/t/debug/deps/liba-1.rlib"}));
  ASSERT_EQ(info.env_deps.size(), 2u);
  EXPECT_EQ(info.env_deps[0].name, "CARGO_PKG_NAME");
  EXPECT_EQ(info.env_deps[0].value, "a");
  EXPECT_EQ(info.env_deps[1].name, "FOO_X");
  EXPECT_FALSE(info.env_deps[1].value.has_value());
}

TEST(DepInfo, UndoesEscapes) {
  const auto info = parse_dep_info("out.d: src/with\\ space.rs src/b.rs\n# env-dep:MULTI=line1\\nline2\\\\end\n");
  EXPECT_EQ(info.sources, (std::vector<std::string>{"src/with space.rs", "src/b.rs"}));
  EXPECT_EQ(info.env_deps.at(0).value, "line1\nline2\\end");
}

TEST(DepInfo, EmptyValueIsNotUnset) {
  const auto info = parse_dep_info("o.d: a.rs\n# env-dep:EMPTY=\n");
  ASSERT_TRUE(info.env_deps.at(0).value.has_value());
  EXPECT_EQ(*info.env_deps.at(0).value, "");
}
