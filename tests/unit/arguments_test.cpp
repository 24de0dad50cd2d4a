#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rustc/arguments.hpp"
#include "rustc/compilation.hpp"

using namespace larder::rustc;

TEST(Arguments, AcceptsEveryFormCargoUses) {
  const auto parsed = parse_arguments({"--crate-name",
                                       "foo",
                                       "--edition=2021",
                                       "src/lib.rs",
                                       "--error-format=json",
                                       "--json=diagnostic-rendered-ansi,artifacts",
                                       "--crate-type",
                                       "lib",
                                       "--emit=dep-info,metadata,link",
                                       "-C",
                                       "embed-bitcode=no",
                                       "-Copt-level=3",
                                       "-C",
                                       "metadata=abc",
                                       "-C",
                                       "extra-filename=-abc",
                                       "--out-dir",
                                       "/t/deps",
                                       "-L",
                                       "dependency=/t/deps",
                                       "-Lnative=/n",
                                       "--extern",
                                       "bar=/t/deps/libbar.rmeta",
                                       "--extern",
                                       "proc_macro",
                                       "--cfg",
                                       "feature=\"x\"",
                                       "--check-cfg",
                                       "cfg(docsrs,test)",
                                       "--target",
                                       "x86_64-unknown-linux-gnu",
                                       "--cap-lints",
                                       "allow",
                                       "--color=always",
                                       "-l",
                                       "static=z",
                                       "-lm"});
  EXPECT_FALSE(parsed.unknown_option) << parsed.unknown_option_name;
  EXPECT_EQ(parsed.crate_name, "foo");
  EXPECT_EQ(parsed.inputs, std::vector<std::string>{"src/lib.rs"});
  EXPECT_EQ(parsed.crate_types, std::vector<std::string>{"lib"});
  ASSERT_EQ(parsed.emits.size(), 3u);
  EXPECT_EQ(parsed.emits[2].kind, "link");
  EXPECT_EQ(parsed.out_dir, "/t/deps");
  EXPECT_EQ(parsed.extra_filename, "-abc");
  EXPECT_EQ(parsed.codegen_value("opt-level"), "3");
  EXPECT_EQ(parsed.codegen_value("metadata"), "abc");
  ASSERT_EQ(parsed.externs.size(), 2u);
  EXPECT_EQ(parsed.externs[0].name, "bar");
  EXPECT_EQ(parsed.externs[0].path, "/t/deps/libbar.rmeta");
  EXPECT_FALSE(parsed.externs[1].path.has_value());
  ASSERT_EQ(parsed.search_paths.size(), 2u);
  EXPECT_EQ(parsed.search_paths[0].kind, "dependency");
  EXPECT_EQ(parsed.search_paths[1].kind, "native");
  EXPECT_EQ(parsed.search_paths[1].path, "/n");
  ASSERT_EQ(parsed.native_libs.size(), 2u);
  EXPECT_EQ(parsed.native_libs[0].kind, "static");
  EXPECT_EQ(parsed.native_libs[0].name, "z");
  EXPECT_EQ(parsed.native_libs[1].name, "m");
  EXPECT_EQ(parsed.target, "x86_64-unknown-linux-gnu");
}

TEST(Arguments, SeparateAndGluedFormsParseAlike) {
  const auto a = parse_arguments({"-C", "opt-level=2", "--crate-type", "rlib", "--emit", "link"});
  const auto b = parse_arguments({"-Copt-level=2", "--crate-type=rlib", "--emit=link"});
  EXPECT_EQ(a.codegen, b.codegen);
  EXPECT_EQ(a.crate_types, b.crate_types);
  ASSERT_EQ(a.arguments.size(), b.arguments.size());
  for (size_t i = 0; i < a.arguments.size(); ++i) {
    EXPECT_EQ(a.arguments[i].flag, b.arguments[i].flag);
    EXPECT_EQ(a.arguments[i].value, b.arguments[i].value);
  }
}

TEST(Arguments, ExpandsArgfiles) {
  const auto path = std::filesystem::temp_directory_path() / "larder-argfile-test";
  {
    std::ofstream out(path);
    out << "--crate-name\nfrom_file\n--cfg\nfeature=\"a b\"\n";
  }
  const auto expanded = expand_argfiles({"src/lib.rs", "@" + path.string(), "--crate-type=lib"});
  ASSERT_TRUE(expanded.has_value());
  EXPECT_EQ(*expanded, (std::vector<std::string>{"src/lib.rs", "--crate-name", "from_file", "--cfg", "feature=\"a b\"",
                                                 "--crate-type=lib"}));
  std::filesystem::remove(path);
  const auto unreadable = expand_argfiles({"@/nonexistent/argfile"});
  ASSERT_FALSE(unreadable.has_value());
  EXPECT_EQ(unreadable.error(), "cannot read argfile /nonexistent/argfile");
}

TEST(Arguments, FlagsUnknownOptions) {
  const auto parsed = parse_arguments({"--crate-name", "x", "--frobnicate", "src/lib.rs"});
  EXPECT_TRUE(parsed.unknown_option);
  EXPECT_EQ(parsed.unknown_option_name, "--frobnicate");
}

namespace {
Compilation analyze_args(std::vector<std::string> args) { return analyze(parse_arguments(args), "/work"); }
// The word the stats and build records get: a public contract, so tests compare it.
std::string reason_word(const Compilation& c) { return c.reason ? c.reason->word() : ""; }
}  // namespace

TEST(Compilation, ProbesAreNotCompilations) {
  EXPECT_EQ(analyze_args({"-vV"}).kind, CallKind::NotCompilation);
  EXPECT_EQ(analyze_args({"-", "--crate-name", "___", "--print=file-names", "--crate-type", "bin"}).kind,
            CallKind::NotCompilation);
  EXPECT_EQ(analyze_args({"--version"}).kind, CallKind::NotCompilation);
}

TEST(Compilation, ReasonsForUncacheableCalls) {
  const std::vector<std::string> base = {"--crate-name", "a", "src/lib.rs"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return reason_word(analyze_args(args));
  };
  EXPECT_EQ(with({"--crate-type", "bin"}), "crate-type:bin");
  EXPECT_EQ(with({"--crate-type", "proc-macro"}), "crate-type:proc-macro");
  EXPECT_EQ(with({"--crate-type", "cdylib"}), "crate-type:cdylib");
  EXPECT_EQ(with({"--crate-type", "dylib"}), "crate-type:dylib");
  EXPECT_EQ(with({"--crate-type", "lib", "-C", "incremental=/t/inc"}), "incremental");
  EXPECT_EQ(with({"--crate-type", "lib", "other.rs"}), "multiple-inputs");
  EXPECT_EQ(with({"--crate-type", "lib", "-o", "x.rlib"}), "output-file");
  EXPECT_EQ(with({"--crate-type", "lib", "--emit=link,foo"}), "emit:foo");
  EXPECT_EQ(with({}), "crate-type:bin");
  EXPECT_EQ(with({"--crate-type", "frob"}), "crate-type:frob");
  EXPECT_EQ(with({"--crate-type", "lib", "-C", "split-debuginfo=packed"}), "split-debuginfo");
  EXPECT_EQ(with({"--crate-type", "lib", "-C", "save-temps=yes"}), "save-temps");
  EXPECT_EQ(with({"--crate-type", "lib", "-C", "profile-use=/p.profdata"}), "profile-use");
  EXPECT_EQ(with({"--crate-type", "lib", "--frobnicate"}), "unknown-option");
  EXPECT_EQ(with({"--crate-type", "lib", "--emit=metadata=-"}), "emit-to-stdout");
  EXPECT_EQ(with({"--crate-type", "lib", "--emit=metadata=x,dep-info=x"}), "output-collision");
  EXPECT_EQ(with({"--test"}), "test-harness");
  EXPECT_EQ(reason_word(analyze_args({"--crate-name", "a", "-", "--crate-type", "lib"})), "stdin-input");
  EXPECT_EQ(reason_word(analyze_args({"src/lib.rs", "--crate-type", "lib"})), "no-crate-name");
}

TEST(Compilation, ExpectedOutputsFollowRustcNaming) {
  const auto c = analyze_args({"--crate-name", "foo", "src/lib.rs", "--crate-type", "lib", "--crate-type", "staticlib",
                               "--emit=dep-info,metadata,link", "-C", "extra-filename=-h1", "--out-dir", "/t/deps"});
  ASSERT_EQ(c.kind, CallKind::Compile) << reason_word(c);
  ASSERT_EQ(c.outputs.size(), 4u);
  EXPECT_EQ(c.outputs[0].role, "dep-info");
  EXPECT_EQ(c.outputs[0].path, "/t/deps/foo-h1.d");
  EXPECT_EQ(c.outputs[1].path, "/t/deps/libfoo-h1.rmeta");
  EXPECT_EQ(c.outputs[2].role, "rlib");
  EXPECT_EQ(c.outputs[2].path, "/t/deps/libfoo-h1.rlib");
  EXPECT_EQ(c.outputs[3].role, "staticlib");
  EXPECT_EQ(c.outputs[3].path, "/t/deps/libfoo-h1.a");
  EXPECT_FALSE(c.injected_dep_info);
}

TEST(Compilation, AsksForDepInfoWhenTheCallDidNot) {
  const auto c = analyze_args({"--crate-name", "foo", "src/lib.rs", "--crate-type", "rlib"});
  ASSERT_EQ(c.kind, CallKind::Compile);
  ASSERT_EQ(c.outputs.size(), 1u);
  EXPECT_EQ(c.outputs[0].path, "/work/libfoo.rlib");
  EXPECT_TRUE(c.injected_dep_info);
  EXPECT_EQ(c.dep_info_path.parent_path(), "/work");
}

namespace {
Compilation analyze_linked(std::vector<std::string> args) {
  AnalysisOptions options;
  options.cache_linked = true;
  return analyze(parse_arguments(args), "/work", options);
}
}  // namespace

TEST(Compilation, LinkedCratesAreCacheableWhenEnabled) {
  const auto bin = analyze_linked({"--crate-name", "app", "src/main.rs", "--crate-type", "bin", "--emit=dep-info,link",
                                   "-C", "extra-filename=-h2", "--out-dir", "/t/deps"});
  ASSERT_EQ(bin.kind, CallKind::Compile) << reason_word(bin);
  EXPECT_TRUE(bin.linked);
  ASSERT_EQ(bin.outputs.size(), 2u);
  EXPECT_EQ(bin.outputs[1].path, "/t/deps/app-h2");
  EXPECT_EQ(bin.link_inputs_path.parent_path(), "/t/deps");

  const auto pm = analyze_linked({"--crate-name", "pm", "src/lib.rs", "--crate-type", "proc-macro", "--out-dir", "/t"});
  ASSERT_EQ(pm.kind, CallKind::Compile) << reason_word(pm);
  EXPECT_EQ(pm.outputs[0].path, "/t/libpm.so");

  const auto test = analyze_linked({"--crate-name", "a", "src/lib.rs", "--test", "--out-dir", "/t"});
  ASSERT_EQ(test.kind, CallKind::Compile) << reason_word(test);
  EXPECT_EQ(test.outputs[0].path, "/t/a");

  const auto lib = analyze_linked({"--crate-name", "a", "src/lib.rs", "--crate-type", "lib"});
  EXPECT_FALSE(lib.linked);
  const auto check = analyze_linked({"--crate-name", "app", "src/main.rs", "--crate-type", "bin", "--emit=metadata"});
  ASSERT_EQ(check.kind, CallKind::Compile) << reason_word(check);
  EXPECT_FALSE(check.linked);
}

TEST(Compilation, ReasonsForUncertainLinks) {
  auto reason = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--crate-name", "a", "src/main.rs", "--crate-type", "bin"};
    args.insert(args.end(), extra.begin(), extra.end());
    return reason_word(analyze_linked(args));
  };
  EXPECT_EQ(reason({"--target", "x86_64-apple-darwin"}), "linked-target");
  EXPECT_EQ(reason({"--target", "x86_64-pc-windows-msvc"}), "linked-target");
  EXPECT_EQ(reason({"-C", "linker-flavor=ld.lld"}), "linker-flavor");
  EXPECT_EQ(reason({"-C", "link-arg=@/tmp/args"}), "link-arg-file");
  EXPECT_EQ(reason({"-C", "link-args=-Wl,@/tmp/args -lm"}), "link-arg-file");
  EXPECT_EQ(reason({"--target", "x86_64-unknown-linux-gnu"}), "");
  EXPECT_EQ(reason_word(analyze_linked({"--crate-name", "a", "src/main.rs"})), "no-crate-type");
}
