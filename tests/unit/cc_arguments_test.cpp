#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cc/arguments.hpp"

namespace cc = larder::cc;

namespace {

using Args = std::vector<std::string>;
using Texts = std::vector<std::string>;

// The reason word, or "" for a call that can be cached.
std::string word_of(const Args& args) {
  const cc::ParsedCall call = cc::classify(args);
  return call.reason ? call.reason->word() : "";
}

// The key of a cacheable call, for comparing two spellings of one call.
Texts key_of(const Args& args) {
  const cc::ParsedCall call = cc::classify(args);
  EXPECT_FALSE(call.reason.has_value()) << call.reason->word();
  return call.key_texts();
}

}  // namespace

TEST(CcArguments, TheCcCratesGccCallIsCacheable) {
  // What cc 1.x runs for a build script's C file on x86_64 Linux, debug profile.
  const cc::ParsedCall call = cc::classify({"-O0", "-ffunction-sections", "-fdata-sections", "-fPIC", "-g",
                                            "-fno-omit-frame-pointer", "-m64", "-I", "/abs/src/include", "-Wall",
                                            "-Wextra", "-DFOO=1", "-o", "/abs/out/abc-foo.o", "-c", "/abs/src/foo.c"});
  ASSERT_FALSE(call.reason.has_value()) << call.reason->word();
  EXPECT_FALSE(call.not_compilation);
  EXPECT_EQ(call.source, "/abs/src/foo.c");
  EXPECT_EQ(call.output, "/abs/out/abc-foo.o");
  EXPECT_EQ(call.language, cc::Language::C);
  EXPECT_FALSE(call.depfile.has_value());
  EXPECT_EQ(call.key_texts(),
            (Texts{"-xc", "-O0", "-ffunction-sections", "-fdata-sections", "-fPIC", "-g", "-fno-omit-frame-pointer",
                   "-m64", "-I/abs/src/include", "-Wall", "-Wextra", "-DFOO=1"}));
  EXPECT_EQ(call.include_dirs, (std::vector<cc::IncludeDir>{{cc::IncludeKind::Angled, "/abs/src/include"}}));
  EXPECT_EQ(call.key_arguments[8], (cc::KeyArgument{"-I", "/abs/src/include", cc::ValueKind::Path}));
  EXPECT_EQ(call.key_arguments[11], (cc::KeyArgument{"-D", "FOO=1", cc::ValueKind::Text}));
  EXPECT_EQ(call.key_arguments[1], (cc::KeyArgument{"-O0", "", cc::ValueKind::None}));
}

TEST(CcArguments, TheCcCratesClangAndCxxCallsAreCacheable) {
  // Clang cross-compiling C++ (cc passes --target and warns about unused arguments off).
  const cc::ParsedCall cxx = cc::classify(
      {"-O3", "-ffunction-sections", "-fdata-sections", "-fPIC", "-gdwarf-4", "-g1", "-fno-omit-frame-pointer",
       "--target=aarch64-unknown-linux-gnu", "-Wno-unused-command-line-argument", "-std=c++17", "-stdlib=libc++",
       "-isystem", "/abs/sysroot/include", "-fmacro-prefix-map=/abs/src=.", "-fdebug-prefix-map=/abs/src=.", "-o",
       "/abs/out/def-bar.o", "-c", "/abs/src/bar.cpp"});
  ASSERT_FALSE(cxx.reason.has_value()) << cxx.reason->word();
  EXPECT_EQ(cxx.language, cc::Language::Cxx);
  EXPECT_EQ(cxx.key_texts().front(), "-xc++");
  EXPECT_EQ(cxx.key_arguments[13], (cc::KeyArgument{"-fmacro-prefix-map=", "/abs/src=.", cc::ValueKind::PathMap}));
  EXPECT_EQ(cxx.key_arguments[12], (cc::KeyArgument{"-isystem", "/abs/sysroot/include", cc::ValueKind::Path}));

  // Assembler through the C compiler, as cc does for .S and .s files.
  const cc::ParsedCall preprocessed = cc::classify({"-O2", "-fPIC", "-m64", "-Wa,--noexecstack", "-DASM=1", "-MD", "-o",
                                                    "/abs/out/x-start.o", "-c", "/abs/src/start.S"});
  ASSERT_FALSE(preprocessed.reason.has_value()) << preprocessed.reason->word();
  EXPECT_EQ(preprocessed.language, cc::Language::AssemblerWithCpp);
  ASSERT_TRUE(preprocessed.depfile.has_value());
  EXPECT_EQ(preprocessed.depfile->path, "/abs/out/x-start.d");
  EXPECT_EQ(preprocessed.key_texts(),
            (Texts{"-xassembler-with-cpp", "-O2", "-fPIC", "-m64", "-Wa,--noexecstack", "-DASM=1", "-MD"}));
  // Neither GCC nor Clang writes a depfile for assembler that is not preprocessed.
  const cc::ParsedCall plain =
      cc::classify({"-Wa,-mrelax-relocations=no,-defsym,abc=1", "-MD", "-c", "/abs/src/start.s"});
  ASSERT_FALSE(plain.reason.has_value()) << plain.reason->word();
  EXPECT_EQ(plain.language, cc::Language::Assembler);
  EXPECT_FALSE(plain.depfile.has_value());
  EXPECT_EQ(plain.output, "start.o");
}

TEST(CcArguments, CmakesCallKeepsTheDepfileOutOfTheKey) {
  // What CMake's Ninja generator writes for the cmake crate.
  const Args args = {"-DFOO",
                     "-I/abs/build/include",
                     "-isystem",
                     "/abs/deps",
                     "-O3",
                     "-DNDEBUG",
                     "-fPIC",
                     "-std=gnu11",
                     "-MD",
                     "-MT",
                     "CMakeFiles/x.dir/src/a.c.o",
                     "-MF",
                     "CMakeFiles/x.dir/src/a.c.o.d",
                     "-o",
                     "CMakeFiles/x.dir/src/a.c.o",
                     "-c",
                     "/abs/src/a.c"};
  const cc::ParsedCall call = cc::classify(args);
  ASSERT_FALSE(call.reason.has_value()) << call.reason->word();
  EXPECT_EQ(call.output, "CMakeFiles/x.dir/src/a.c.o");
  ASSERT_TRUE(call.depfile.has_value());
  EXPECT_EQ(call.depfile->path, "CMakeFiles/x.dir/src/a.c.o.d");
  EXPECT_TRUE(call.depfile->system_headers);
  EXPECT_FALSE(call.depfile->phony_targets);
  EXPECT_EQ(call.depfile->targets, (std::vector<cc::DepfileTarget>{{"CMakeFiles/x.dir/src/a.c.o", false}}));
  EXPECT_EQ(call.key_texts(), (Texts{"-xc", "-DFOO", "-I/abs/build/include", "-isystem/abs/deps", "-O3", "-DNDEBUG",
                                     "-fPIC", "-std=gnu11", "-MD"}));
  // Another output, depfile and target: the same key.
  EXPECT_EQ(key_of({"-DFOO", "-I/abs/build/include", "-isystem", "/abs/deps", "-O3", "-DNDEBUG", "-fPIC", "-std=gnu11",
                    "-MD", "-MP", "-MQ", "other.o", "-MFother.d", "-o", "other.o", "-c", "/abs/src/a.c"}),
            key_of(args));
}

TEST(CcArguments, DepfileNamesFollowGcc) {
  // -MD without -MF: the output with its suffix replaced, or the source's name in the working
  // folder (GCC 12 and Clang 14 agree on each of these).
  const cc::ParsedCall no_output = cc::classify({"-MD", "-MP", "-c", "src/foo.c"});
  ASSERT_TRUE(no_output.depfile.has_value());
  EXPECT_EQ(no_output.output, "foo.o");
  EXPECT_EQ(no_output.depfile->path, "foo.d");
  EXPECT_TRUE(no_output.depfile->system_headers);
  EXPECT_TRUE(no_output.depfile->phony_targets);
  EXPECT_EQ(cc::classify({"-MD", "-c", "s.c", "-o", "t/x.tar.o"}).depfile->path, "t/x.tar.d");
  EXPECT_EQ(cc::classify({"-MD", "-c", "s.c", "-o", "t/a.dir/obj"}).depfile->path, "t/a.dir/obj.d");
  EXPECT_EQ(cc::classify({"-MD", "-c", "s.c", "-o", "t/.o"}).depfile->path, "t/.d");
  EXPECT_EQ(cc::classify({"-c", "dir/x.tar.c"}).output, "x.tar.o");
  // The last -o and -MF count; -MT and -MQ add up; -MF alone asks for nothing.
  const cc::ParsedCall several =
      cc::classify({"-MD", "-MF", "a.d", "-MFb.d", "-MT", "t 1", "-MQt$2", "-c", "s.c", "-o", "a.o", "-ob.o"});
  EXPECT_EQ(several.output, "b.o");
  EXPECT_EQ(several.depfile->path, "b.d");
  EXPECT_EQ(several.depfile->targets, (std::vector<cc::DepfileTarget>{{"t 1", false}, {"t$2", true}}));
  EXPECT_FALSE(cc::classify({"-MF", "a.d", "-c", "s.c"}).depfile.has_value());
  // A depfile written to a device is none to restore.
  EXPECT_FALSE(cc::classify({"-MD", "-MF", "/dev/null", "-c", "s.c"}).depfile.has_value());
}

TEST(CcArguments, SplitAndJoinedFormsNormaliseEqual) {
  const std::vector<std::pair<Args, Args>> pairs = {
      {{"-I", "inc"}, {"-Iinc"}},
      {{"-D", "X=1"}, {"-DX=1"}},
      {{"-U", "X"}, {"-UX"}},
      {{"-iquote", "q"}, {"-iquoteq"}},
      {{"-isystem", "s"}, {"-isystems"}},
      {{"-idirafter", "a"}, {"-idiraftera"}},
      {{"-include", "f.h"}, {"-includef.h"}},
      {{"-imacros", "m.h"}, {"-imacrosm.h"}},
      {{"-isysroot", "/sdk"}, {"-isysroot/sdk"}},
      {{"--sysroot", "/sr"}, {"--sysroot=/sr"}},
      {{"-target", "x86_64-linux-gnu"}, {"--target=x86_64-linux-gnu"}},
      {{"--param", "max-inline-insns-single=10"}, {"--param=max-inline-insns-single=10"}},
      {{"-x", "c++"}, {"-xc++"}},
      {{"-l", "m"}, {"-lm"}},
      {{"-L", "/lib"}, {"-L/lib"}},
      {{"--std=c11"}, {"-std=c11"}},
      {{"--pedantic"}, {"-pedantic"}},
      {{"-o", "a.o"}, {"-oa.o"}},
      {{"-MF", "a.d", "-MD"}, {"-MFa.d", "-MD"}},
  };
  for (const auto& [split, joined] : pairs) {
    Args a = split;
    Args b = joined;
    for (Args* args : {&a, &b}) args->insert(args->end(), {"-c", "foo.cc"});
    EXPECT_EQ(key_of(a), key_of(b)) << split.front();
  }
}

TEST(CcArguments, EveryReasonHasItsFlag) {
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"foo.c", "-o", "foo"}, "link"},
      {{"foo.o", "bar.o", "-o", "app", "-lfoo", "-Wl,--gc-sections"}, "link"},
      {{"-E", "foo.c"}, "preprocess-only"},
      {{"-M", "foo.c"}, "preprocess-only"},
      {{"-MM", "-MD", "-c", "foo.c"}, "preprocess-only"},
      {{"-S", "foo.c"}, "assembly-output"},
      {{"-S", "-c", "foo.c"}, "assembly-output"},
      {{"-fsyntax-only", "-c", "foo.c"}, "not-an-object"},
      {{"-c", "foo.c", "-o", "/dev/null"}, "not-an-object"},
      {{"-c", "foo.c", "-o", "-"}, "output-to-stdout"},
      {{"-c", "foo.c", "-MD", "-MF", "-"}, "output-to-stdout"},
      {{"-c"}, "no-source"},
      {{"-c", "-O2", "-Wall"}, "no-source"},
      {{"-c", "-x", "c", "-", "-o", "x.o"}, "stdin-source"},
      {{"-c", "a.c", "b.c"}, "multiple-sources"},
      {{"-c", "a.c", "-MMD", "-MF", "a.d"}, "user-headers-depfile"},
      {{"-c", "a.c", "a.o"}, "multiple-sources"},
      {{"-c", "foo.m"}, "unsupported-language:.m"},
      {{"-c", "foo.i"}, "unsupported-language:.i"},
      {{"-c", "foo.o"}, "unsupported-language:.o"},
      {{"-c", "foo"}, "unsupported-language:none"},
      {{"-c", "-x", "objective-c", "foo.c"}, "unsupported-language:objective-c"},
      {{"-c", "foo.h"}, "precompiled-header"},
      {{"-c", "foo.hpp", "-o", "foo.hpp.gch"}, "precompiled-header"},
      {{"-c", "-x", "c++-header", "foo.cc"}, "precompiled-header"},
      {{"-c", "foo.c", "-o", "foo.pch"}, "precompiled-header"},
      {{"-c", "foo.c", "-include-pch", "all.pch"}, "precompiled-header"},
      {{"-c", "foo.c", "-fpch-preprocess"}, "precompiled-header"},
      {{"-c", "foo.c", "-Xclang", "-emit-pch"}, "precompiled-header"},
      {{"@args.rsp"}, "response-file"},
      {{"-c", "foo.c", "@flags"}, "response-file"},
      {{"-c", "foo.c", "-fplugin=x.so"}, "unknown-flag:-fplugin"},
      {{"-c", "foo.c", "-fmodules"}, "unknown-flag:-fmodules"},
      {{"-c", "foo.c", "-fdiagnostics-format=sarif-file"}, "unknown-flag:-fdiagnostics-format"},
      {{"-c", "foo.c", "-B", "/opt/bin"}, "unknown-flag:-B"},
      {{"-c", "foo.c", "-specs=my.specs"}, "unknown-flag:-specs"},
      {{"-c", "foo.c", "-Xclang", "-load", "-Xclang", "x.so"}, "unknown-flag:-Xclang"},
      {{"-c", "foo.c", "-mllvm", "-inline-threshold=1"}, "unknown-flag:-mllvm"},
      {{"-c", "foo.c", "-Wa,-I,inc"}, "unknown-flag:-Wa,-I"},
      {{"-c", "foo.c", "-Wa,-defsym"}, "unknown-flag:-Wa,-defsym"},
      {{"-c", "foo.c", "-Xassembler", "--MD"}, "extra-output:-Xassembler --MD"},
      {{"-c", "foo.c", "-Wp,-MD,x.d"}, "unknown-flag:-Wp,-MD"},
      {{"-c", "foo.c", "-Wp,-Iinc"}, "unknown-flag:-Wp,-Iinc"},
      {{"-c", "foo.c", "-O9"}, "unknown-flag:-O9"},
      {{"-c", "foo.c", "-gmodules"}, "unknown-flag:-gmodules"},
      {{"-c", "foo.c", "-I-"}, "unknown-flag:-I-"},
      {{"-c", "foo.c", "-MG", "-MD"}, "unknown-flag:-MG"},
      {{"-c", "foo.c", "-H"}, "unknown-flag:-H"},
      {{"-c", "foo.c", "-Xarch_arm64", "-O2"}, "unknown-flag:-Xarch_arm64"},
      {{"-c", "foo.c", "-o"}, "unknown-flag:-o"},
      {{"-c", "foo.c", "-o", ""}, "unknown-flag:-o"},
      {{"-c", "foo.c", "-MD", "-MF", ""}, "unknown-flag:-MF"},
      {{"-c", "foo.c", "--coverage"}, "extra-output:--coverage"},
      {{"-c", "foo.c", "-ftest-coverage"}, "extra-output:-ftest-coverage"},
      {{"-c", "foo.c", "-gsplit-dwarf"}, "extra-output:-gsplit-dwarf"},
      {{"-c", "foo.c", "-save-temps"}, "extra-output:-save-temps"},
      {{"-c", "foo.c", "-save-temps=obj"}, "extra-output:-save-temps"},
      {{"-c", "foo.c", "-fdump-tree-all"}, "extra-output:-fdump-tree-all"},
      {{"-c", "foo.c", "-fstack-usage"}, "extra-output:-fstack-usage"},
      {{"-c", "foo.c", "-fcallgraph-info=su"}, "extra-output:-fcallgraph-info"},
      {{"-c", "foo.c", "-ftime-trace"}, "extra-output:-ftime-trace"},
      {{"-c", "foo.c", "-Wa,-adhln=foo.lst"}, "extra-output:-Wa,-adhln"},
      {{"-c", "foo.c", "-MJ", "cdb.json"}, "extra-output:-MJ"},
      {{"-c", "foo.c", "-fprofile-use"}, "profile-data:-fprofile-use"},
      {{"-c", "foo.c", "-fprofile-use=/abs/pgo/x.profdata"}, "profile-data:-fprofile-use"},
      {{"-c", "foo.c", "-fprofile-sample-use=x.prof"}, "profile-data:-fprofile-sample-use"},
      {{"-c", "foo.c", "-fauto-profile"}, "profile-data:-fauto-profile"},
      {{"-c", "foo.c", "-fbranch-probabilities"}, "profile-data:-fbranch-probabilities"},
      {{"-c", "foo.c", "-fprofile-arcs"}, "path-in-object:-fprofile-arcs"},
      {{"-c", "foo.c", "-fprofile-generate"}, "path-in-object:-fprofile-generate"},
      {{"-c", "foo.c", "-frecord-gcc-switches"}, "path-in-object:-frecord-gcc-switches"},
      {{"-c", "foo.c", "-grecord-command-line"}, "path-in-object:-grecord-command-line"},
      {{"-c", "foo.c", "-march=native"}, "native-cpu"},
      {{"-c", "foo.c", "-mtune=native"}, "native-cpu"},
      {{"-c", "foo.c", "-arch", "x86_64", "-arch", "arm64"}, "multiple-architectures"},
  };
  std::set<std::string> stems;
  for (const auto& [args, word] : cases) {
    EXPECT_EQ(word_of(args), word) << args.front() << " … " << args.back();
    stems.insert(word.substr(0, word.find(':')));
  }
  for (const auto& row : cc::reason_table()) EXPECT_TRUE(stems.contains(std::string(row.word))) << row.word;
}

TEST(CcArguments, WhatDescribesTheCallBestWins) {
  EXPECT_EQ(word_of({"-E", "-c", "foo.c", "-fplugin=x.so"}), "preprocess-only");
  EXPECT_EQ(word_of({"-c", "foo.m", "-fobjc-arc"}), "unsupported-language:.m");
  EXPECT_EQ(word_of({"-c", "foo.c", "-fplugin=x.so", "--coverage"}), "unknown-flag:-fplugin");
  EXPECT_EQ(word_of({"-c", "foo.c", "--coverage", "-fplugin=x.so"}), "extra-output:--coverage");
  // Turning a reason's flag off is harmless.
  EXPECT_EQ(word_of({"-c", "foo.c", "-fno-record-gcc-switches", "-fno-profile-arcs", "-gno-record-gcc-switches"}), "");
}

TEST(CcArguments, CallsThatCompileNothingArePassedThrough) {
  for (const Args& args : std::vector<Args>{{},
                                            {"--version"},
                                            {"-v"},
                                            {"-v", "-O2"},
                                            {"-dumpversion"},
                                            {"-dumpmachine"},
                                            {"-print-search-dirs"},
                                            {"--print-file-name=libc.a"},
                                            {"-print-prog-name=ld"},
                                            {"--help"},
                                            {"--help=warnings"},
                                            {"-###", "-c", "foo.c"},
                                            {"--version", "-c", "foo.c"}}) {
    const cc::ParsedCall call = cc::classify(args);
    EXPECT_TRUE(call.not_compilation) << (args.empty() ? "(none)" : args.front());
    EXPECT_FALSE(call.reason.has_value());
  }
  // -v with a source compiles (and prints the commands).
  EXPECT_FALSE(cc::classify({"-v", "-c", "foo.c"}).not_compilation);
  EXPECT_EQ(word_of({"-v", "-c", "foo.c"}), "");
}

TEST(CcArguments, IncludeFoldersComeInSearchOrder) {
  const cc::ParsedCall call = cc::classify({"-isystem", "s1", "-I", "a", "-iquote", "q", "-idirafter", "z", "-F", "f",
                                            "-Ib", "-iframework", "sf", "-isystems2", "-c", "x.c"});
  ASSERT_FALSE(call.reason.has_value()) << call.reason->word();
  EXPECT_EQ(call.include_dirs, (std::vector<cc::IncludeDir>{{cc::IncludeKind::Quote, "q"},
                                                            {cc::IncludeKind::Angled, "a"},
                                                            {cc::IncludeKind::Framework, "f"},
                                                            {cc::IncludeKind::Angled, "b"},
                                                            {cc::IncludeKind::System, "s1"},
                                                            {cc::IncludeKind::SystemFramework, "sf"},
                                                            {cc::IncludeKind::System, "s2"},
                                                            {cc::IncludeKind::After, "z"}}));
  // The key keeps the command line's order.
  EXPECT_EQ(call.key_texts(), (Texts{"-xc", "-isystems1", "-Ia", "-iquoteq", "-idirafterz", "-Ff", "-Ib",
                                     "-iframeworksf", "-isystems2"}));
}

TEST(CcArguments, ForcedIncludesSysrootAndStandardFolders) {
  const cc::ParsedCall call = cc::classify(
      {"-include", "first.h", "-imacros", "macros.h", "-includesecond.h", "--sysroot=/sr", "-nostdinc", "-c", "x.c"});
  ASSERT_FALSE(call.reason.has_value()) << call.reason->word();
  EXPECT_EQ(call.forced_includes, (std::vector<cc::ForcedInclude>{{cc::ForcedIncludeKind::Macros, "macros.h"},
                                                                  {cc::ForcedIncludeKind::Include, "first.h"},
                                                                  {cc::ForcedIncludeKind::Include, "second.h"}}));
  EXPECT_EQ(call.sysroot, "/sr");
  EXPECT_TRUE(call.no_standard_includes);
  EXPECT_EQ(call.key_arguments[4], (cc::KeyArgument{"--sysroot=", "/sr", cc::ValueKind::Path}));
  // Headers come from -isysroot when both are given.
  EXPECT_EQ(cc::classify({"--sysroot", "/sr", "-isysroot", "/sdk", "-c", "x.c"}).sysroot, "/sdk");
  EXPECT_FALSE(cc::classify({"-c", "x.c"}).sysroot.has_value());
}

TEST(CcArguments, LanguageFromXOrTheExtension) {
  const std::vector<std::pair<std::string, cc::Language>> extensions = {
      {"a.c", cc::Language::C},
      {"a.cc", cc::Language::Cxx},
      {"a.cpp", cc::Language::Cxx},
      {"a.cxx", cc::Language::Cxx},
      {"a.c++", cc::Language::Cxx},
      {"a.C", cc::Language::Cxx},
      {"a.CPP", cc::Language::Cxx},
      {"a.cp", cc::Language::Cxx},
      {"a.s", cc::Language::Assembler},
      {"a.S", cc::Language::AssemblerWithCpp},
      {"a.sx", cc::Language::AssemblerWithCpp},
      {"dir.d/a.c", cc::Language::C},
  };
  for (const auto& [source, language] : extensions) {
    const cc::ParsedCall call = cc::classify({"-c", source});
    ASSERT_FALSE(call.reason.has_value()) << source;
    EXPECT_EQ(call.language, language) << source;
    EXPECT_EQ(call.key_texts().front(), "-x" + std::string(cc::language_name(language))) << source;
  }
  EXPECT_EQ(cc::classify({"-x", "c++", "-c", "a.c"}).language, cc::Language::Cxx);
  EXPECT_EQ(cc::classify({"-xassembler-with-cpp", "-c", "a.asm"}).language, cc::Language::AssemblerWithCpp);
  EXPECT_EQ(cc::classify({"-x", "c++", "-x", "none", "-c", "a.c"}).language, cc::Language::C);
  // -x after the source does not apply to it (GCC warns): it stays in the key.
  const cc::ParsedCall late = cc::classify({"-c", "a.c", "-x", "c++"});
  EXPECT_EQ(late.language, cc::Language::C);
  EXPECT_EQ(late.key_texts(), (Texts{"-xc", "-xc++"}));
  // Saying the language the extension says changes nothing.
  EXPECT_EQ(key_of({"-x", "c", "-c", "a.c"}), key_of({"-c", "a.c"}));
}

TEST(CcArguments, KnownFamiliesAndTheirValues) {
  const cc::ParsedCall call = cc::classify({"-fvisibility=hidden",
                                            "-fno-exceptions",
                                            "-fstack-protector-strong",
                                            "-fsanitize=address",
                                            "-ffile-prefix-map=/abs/src=/src",
                                            "-fdebug-compilation-dir=.",
                                            "-march=x86-64-v3",
                                            "-mno-red-zone",
                                            "-Werror=implicit-function-declaration",
                                            "-Wno-unused-parameter",
                                            "-w",
                                            "-pedantic",
                                            "-Os",
                                            "-Ofast",
                                            "-gz=zlib",
                                            "-ggdb3",
                                            "-pthread",
                                            "-pipe",
                                            "-Wp,-DX=1,-UY",
                                            "-Xclang",
                                            "-target-feature",
                                            "-Xclang",
                                            "+avx2",
                                            "-Xlinker",
                                            "--no-undefined",
                                            "-shared",
                                            "-c",
                                            "/abs/src/a.c"});
  ASSERT_FALSE(call.reason.has_value()) << call.reason->word();
  EXPECT_EQ(call.key_arguments[5], (cc::KeyArgument{"-ffile-prefix-map=", "/abs/src=/src", cc::ValueKind::PathMap}));
  EXPECT_EQ(call.key_arguments[6], (cc::KeyArgument{"-fdebug-compilation-dir=", ".", cc::ValueKind::Path}));
  EXPECT_EQ(call.key_arguments[1], (cc::KeyArgument{"-fvisibility=hidden", "", cc::ValueKind::None}));
  const Texts texts = call.key_texts();
  EXPECT_EQ(Texts(texts.end() - 6, texts.end()), (Texts{"-pipe", "-Wp,-DX=1,-UY", "-Xclang-target-feature",
                                                        "-Xclang+avx2", "-Xlinker--no-undefined", "-shared"}));
}

TEST(CcArguments, EverythingAfterDoubleDashIsASource) {
  const cc::ParsedCall call = cc::classify({"-c", "-o", "x.o", "--", "-odd.c"});
  ASSERT_FALSE(call.reason.has_value()) << call.reason->word();
  EXPECT_EQ(call.source, "-odd.c");
  EXPECT_EQ(call.output, "x.o");
}

TEST(CcArguments, TheOutputIsNotInTheKey) {
  EXPECT_EQ(key_of({"-O2", "-c", "/a/src/foo.c", "-o", "/a/out/1-foo.o"}),
            key_of({"-O2", "-c", "/b/src/foo.c", "-o", "/b/out/2-foo.o"}));
  EXPECT_NE(key_of({"-O2", "-c", "foo.c"}), key_of({"-O3", "-c", "foo.c"}));
  EXPECT_NE(key_of({"-DA", "-DB", "-c", "foo.c"}), key_of({"-DB", "-DA", "-c", "foo.c"}));
}
