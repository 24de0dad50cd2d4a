#include <gtest/gtest.h>

#include "rustc/call_key.hpp"

using namespace larder;
using namespace larder::rustc;

namespace {

struct KeyFixture {
  CompilerIdentity compiler{"/tc/bin/rustc", "/tc", "rustc 1.95.0 (abc)\nhost: x\n", "compilerhash"};
  std::map<std::string, std::string> files = {{"/ws/target/debug/deps/libb.rmeta", "hash-b"}};
  std::vector<std::pair<std::string, std::string>> env = {{"CARGO_PKG_NAME", "a"},
                                                          {"CARGO_MANIFEST_DIR", "/ws/a"},
                                                          {"CARGO_MAKEFLAGS", "-j --jobserver-fds=3,4"},
                                                          {"HOME", "/root"},
                                                          {"PATH", "/usr/bin"}};

  std::string key(std::vector<std::string> raw, std::string cwd = "/ws", std::string ws = "/ws") {
    return parts(std::move(raw), std::move(cwd), std::move(ws)).digest();
  }

  KeyBuilder parts(std::vector<std::string> raw, std::string cwd = "/ws", std::string ws = "/ws",
                   KeyBuilder start = {}) {
    auto args = parse_arguments(raw);
    PathMap map({{"{workspace}", ws}});
    CallKeyInputs in;
    in.compiler = &compiler;
    in.args = &args;
    in.cwd = cwd;
    in.paths = &map;
    in.hash_file = [this, ws](const std::filesystem::path& p) -> std::optional<std::string> {
      std::string rel = p.string();
      if (rel.starts_with(ws)) rel = "/ws" + rel.substr(ws.size());
      auto it = files.find(rel);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    auto env_copy = env;
    for (auto& [name, value] : env_copy) {
      if (value.starts_with("/ws")) value = ws + value.substr(3);
    }
    in.environment = [env_copy] { return env_copy; };
    return build_call_key(in, std::move(start));
  }

  std::vector<std::string> args(std::string ws = "/ws") {
    return {"--crate-name",
            "a",
            "a/src/lib.rs",
            "--crate-type",
            "lib",
            "--extern",
            "b=" + ws + "/target/debug/deps/libb.rmeta",
            "-L",
            "dependency=" + ws + "/target/debug/deps",
            "--out-dir",
            ws + "/target/debug/deps"};
  }
};

}  // namespace

TEST(CallKey, IsStableAndIgnoresUnrelatedEnvironment) {
  KeyFixture f;
  const auto k1 = f.key(f.args());
  EXPECT_EQ(k1, f.key(f.args()));
  f.env.push_back({"UNRELATED", "1"});
  f.env[2].second = "-j --jobserver-fds=7,8";  // CARGO_MAKEFLAGS differs per build
  EXPECT_EQ(k1, f.key(f.args()));
}

TEST(CallKey, KeepsWhatTheCacheLayerStartsItWith) {
  // The cache layer starts every key with its format version: another release's objects are
  // another key, never read, never reported as damaged.
  KeyFixture f;
  KeyBuilder five, six;
  five.add("larder", "cache format", "5");
  six.add("larder", "cache format", "6");
  const auto components = f.parts(f.args(), "/ws", "/ws", six).components();
  ASSERT_GT(components.size(), 1u);
  EXPECT_EQ(components.front().value, "6");
  EXPECT_NE(f.parts(f.args(), "/ws", "/ws", five).digest(), f.parts(f.args(), "/ws", "/ws", six).digest());
}

TEST(CallKey, ChangesWithEveryInputThatMatters) {
  KeyFixture f;
  const auto base = f.key(f.args());
  {
    auto args = f.args();
    args.push_back("--cfg=feature=\"x\"");
    EXPECT_NE(base, f.key(args));
  }
  {
    KeyFixture g;
    g.files["/ws/target/debug/deps/libb.rmeta"] = "other";
    EXPECT_NE(base, g.key(g.args()));
  }
  {
    KeyFixture g;
    g.compiler.hash = "another-compiler";
    EXPECT_NE(base, g.key(g.args()));
  }
  {
    KeyFixture g;
    g.env[0].second = "renamed";
    EXPECT_NE(base, g.key(g.args()));
  }
  {
    KeyFixture g;
    g.env.push_back({"RUSTC_BOOTSTRAP", "1"});
    EXPECT_NE(base, g.key(g.args()));
  }
}

TEST(CallKey, IsTheSameForACheckoutAtAnotherPath) {
  KeyFixture f;
  EXPECT_EQ(f.key(f.args("/ws"), "/ws", "/ws"), f.key(f.args("/builds/7/ws"), "/builds/7/ws", "/builds/7/ws"));
}

TEST(CallKey, DoesNotDependOnWhichBaseFolderIsLonger) {
  // Two checkouts: in one the target folder's path is shorter than the workspace's, in the
  // other longer. The markers are hashed in one order whatever the lengths.
  KeyFixture f;
  auto key_for = [&](const std::string& ws, const std::string& target) {
    auto args = parse_arguments({"--crate-name", "a", "a/src/lib.rs", "--crate-type", "lib", "-L",
                                 "dependency=" + target + "/debug/deps", "--out-dir", target + "/debug/deps"});
    PathMap map({{"{workspace}", ws}, {"{target}", target}, {"{cargo_home}", "/home/u/.cargo"}});
    CallKeyInputs in;
    in.compiler = &f.compiler;
    in.args = &args;
    in.cwd = ws;
    in.paths = &map;
    in.hash_file = [](const std::filesystem::path&) -> std::optional<std::string> { return std::nullopt; };
    in.environment = [ws] {
      return std::vector<std::pair<std::string, std::string>>{{"CARGO_MANIFEST_DIR", ws + "/a"}};
    };
    return build_call_key(in).digest();
  };
  const auto short_target = key_for("/builds/a-long-workspace-path/ws", "/t");
  EXPECT_EQ(short_target, key_for("/w", "/tmp/a-much-longer-target-folder-path"));
  EXPECT_EQ(short_target, key_for("/ws", "/tgt"));
}
