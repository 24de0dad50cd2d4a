#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cc/depfile.hpp"

namespace cc = larder::cc;

namespace {

using Names = std::vector<std::string>;

// What GCC 12.2 (Debian 12) wrote for
//   gcc -O0 -ffunction-sections -fdata-sections -fPIC -g -fno-omit-frame-pointer -m64 -I include
//       -Wall -Wextra -DFOO=1 -MD -MP -MF out/foo.d -o out/foo.o -c src/foo.c
// where src/foo.c includes "my header.h", <limits.h> and <config.h> (in include/).
constexpr std::string_view kGcc12 =
    "out/foo.o: src/foo.c /usr/include/stdc-predef.h src/my\\ header.h \\\n"
    " /usr/lib/gcc/x86_64-linux-gnu/12/include/limits.h \\\n"
    " /usr/lib/gcc/x86_64-linux-gnu/12/include/syslimits.h \\\n"
    " /usr/include/limits.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/libc-header-start.h \\\n"
    " /usr/include/features.h /usr/include/features-time64.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/wordsize.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/timesize.h \\\n"
    " /usr/include/x86_64-linux-gnu/sys/cdefs.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/long-double.h \\\n"
    " /usr/include/x86_64-linux-gnu/gnu/stubs.h \\\n"
    " /usr/include/x86_64-linux-gnu/gnu/stubs-64.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/posix1_lim.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/local_lim.h \\\n"
    " /usr/include/linux/limits.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/pthread_stack_min-dynamic.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/pthread_stack_min.h \\\n"
    " /usr/include/x86_64-linux-gnu/bits/posix2_lim.h include/config.h\n"
    "/usr/include/stdc-predef.h:\n"
    "src/my\\ header.h:\n"
    "/usr/lib/gcc/x86_64-linux-gnu/12/include/limits.h:\n"
    "/usr/lib/gcc/x86_64-linux-gnu/12/include/syslimits.h:\n"
    "/usr/include/limits.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/libc-header-start.h:\n"
    "/usr/include/features.h:\n"
    "/usr/include/features-time64.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/wordsize.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/timesize.h:\n"
    "/usr/include/x86_64-linux-gnu/sys/cdefs.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/long-double.h:\n"
    "/usr/include/x86_64-linux-gnu/gnu/stubs.h:\n"
    "/usr/include/x86_64-linux-gnu/gnu/stubs-64.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/posix1_lim.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/local_lim.h:\n"
    "/usr/include/linux/limits.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/pthread_stack_min-dynamic.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/pthread_stack_min.h:\n"
    "/usr/include/x86_64-linux-gnu/bits/posix2_lim.h:\n"
    "include/config.h:\n";

// Clang 14.0.6 (Debian 12) for the same compile with -MMD -MP -MF out/foo-clang.d: no system
// headers, and an empty line after each rule.
constexpr std::string_view kClang14 =
    "out/foo-clang.o: src/foo.c src/my\\ header.h include/config.h\n"
    "\n"
    "src/my\\ header.h:\n"
    "\n"
    "include/config.h:\n";

// GCC 12 with -MMD -MP -MQ 'o$ut:x y.o' -MT 'raw$ t' for a source that includes headers whose
// names hold every character Make quotes (a tab, "back\ space.h" with a backslash and a space).
constexpr std::string_view kGcc12Quoting =
    "raw$ t o$$ut:x\\ y.o: w.c weird/d$$ollar.h weird/co:lon.h weird/pc%t.h \\\n"
    " weird/back\\slash.h weird/back\\\\\\ space.h weird/tab\\\tx.h weird/hash\\#.h \\\n"
    " weird/a[b]*.h\n"
    "weird/d$$ollar.h:\n"
    "weird/co:lon.h:\n"
    "weird/pc%t.h:\n"
    "weird/back\\slash.h:\n"
    "weird/back\\\\\\ space.h:\n"
    "weird/tab\\\tx.h:\n"
    "weird/hash\\#.h:\n"
    "weird/a[b]*.h:\n";

}  // namespace

TEST(CcDepfile, ReadsWhatGcc12Writes) {
  const auto deps = cc::parse_depfile(kGcc12);
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->targets, Names{"out/foo.o"});
  ASSERT_EQ(deps->prerequisites.size(), 22u);
  EXPECT_EQ(deps->prerequisites[0], "src/foo.c");
  EXPECT_EQ(deps->prerequisites[1], "/usr/include/stdc-predef.h");
  EXPECT_EQ(deps->prerequisites[2], "src/my header.h");
  EXPECT_EQ(deps->prerequisites[3], "/usr/lib/gcc/x86_64-linux-gnu/12/include/limits.h");
  EXPECT_EQ(deps->prerequisites[21], "include/config.h");
}

TEST(CcDepfile, ReadsWhatClang14Writes) {
  const auto deps = cc::parse_depfile(kClang14);
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->targets, Names{"out/foo-clang.o"});
  EXPECT_EQ(deps->prerequisites, (Names{"src/foo.c", "src/my header.h", "include/config.h"}));
}

TEST(CcDepfile, UndoesGccQuoting) {
  const auto deps = cc::parse_depfile(kGcc12Quoting);
  ASSERT_TRUE(deps.has_value());
  // -MT is written as given, so Make (and larder) read "raw$ t" as two names.
  EXPECT_EQ(deps->targets, (Names{"raw$", "t", "o$ut:x y.o"}));
  EXPECT_EQ(deps->prerequisites,
            (Names{"w.c", "weird/d$ollar.h", "weird/co:lon.h", "weird/pc%t.h", "weird/back\\slash.h",
                   "weird/back\\ space.h", "weird/tab\tx.h", "weird/hash#.h", "weird/a[b]*.h"}));
}

TEST(CcDepfile, QuotesAsGccDoes) {
  EXPECT_EQ(cc::quote_for_make("o$ut:x y.o"), "o$$ut:x\\ y.o");
  EXPECT_EQ(cc::quote_for_make("weird/back\\ space.h"), "weird/back\\\\\\ space.h");
  EXPECT_EQ(cc::quote_for_make("weird/back\\slash.h"), "weird/back\\slash.h");
  EXPECT_EQ(cc::quote_for_make("weird/tab\tx.h"), "weird/tab\\\tx.h");
  EXPECT_EQ(cc::quote_for_make("weird/hash#.h"), "weird/hash\\#.h");
  EXPECT_EQ(cc::quote_for_make("a\\#b"), "a\\\\#b");  // backslashes before '#' stay single
  const auto deps = cc::parse_depfile("t: " + cc::quote_for_make("a\\#b") + "\n");
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->prerequisites, Names{"a\\#b"});
}

TEST(CcDepfile, EvenBackslashesBeforeASpaceEndTheName) {
  // 2N backslashes then a blank: N backslashes at the end of a name.
  const auto deps = cc::parse_depfile("t: a\\\\ b\n");
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->prerequisites, (Names{"a\\", "b"}));
}

TEST(CcDepfile, RendersWhatItReads) {
  const Names prerequisites = {"/abs/src/foo.c", "/abs/src/my header.h", "/abs/inc/a#b$.h", "C:/x.h"};
  const std::string text = cc::render_depfile({cc::quote_for_make("/abs/out/foo bar.o")}, prerequisites, true);
  EXPECT_EQ(text,
            "/abs/out/foo\\ bar.o: /abs/src/foo.c \\\n /abs/src/my\\ header.h \\\n /abs/inc/a\\#b$$.h \\\n C:/x.h\n"
            "/abs/src/my\\ header.h:\n/abs/inc/a\\#b$$.h:\nC:/x.h:\n");
  const auto deps = cc::parse_depfile(text);
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->targets, Names{"/abs/out/foo bar.o"});
  EXPECT_EQ(deps->prerequisites, prerequisites);
  // The same files as GCC listed them, once rendered without -MP.
  const auto gcc = cc::parse_depfile(kGcc12);
  ASSERT_TRUE(gcc.has_value());
  EXPECT_EQ(cc::parse_depfile(cc::render_depfile({"out/foo.o"}, gcc->prerequisites, false))->prerequisites,
            gcc->prerequisites);
}

TEST(CcDepfile, ListsEachFileOnceInOrder) {
  const auto deps = cc::parse_depfile("a.o: a.c x.h y.h\nb.o: b.c x.h a.c\n");
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->targets, (Names{"a.o", "b.o"}));
  EXPECT_EQ(deps->prerequisites, (Names{"a.c", "x.h", "y.h", "b.c"}));
}

TEST(CcDepfile, ReadsCrlfContinuationsAndComments) {
  const auto deps = cc::parse_depfile("# written by hand\r\nfoo.o: foo.c \\\r\n  foo.h # a comment\r\nfoo.h:\r\n");
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->targets, Names{"foo.o"});
  EXPECT_EQ(deps->prerequisites, (Names{"foo.c", "foo.h"}));
}

TEST(CcDepfile, AColonIsARuleOnlyBeforeABlank) {
  const auto deps = cc::parse_depfile("c:/out/foo.o:\\\n c:/src/foo.c\n");
  ASSERT_TRUE(deps.has_value());
  EXPECT_EQ(deps->targets, Names{"c:/out/foo.o"});
  EXPECT_EQ(deps->prerequisites, Names{"c:/src/foo.c"});
}

TEST(CcDepfile, RefusesWhatNoCompilerWrites) {
  EXPECT_FALSE(cc::parse_depfile("").has_value());
  EXPECT_FALSE(cc::parse_depfile("\n\n").has_value());
  EXPECT_FALSE(cc::parse_depfile("foo.o foo.c\n").has_value());
  EXPECT_FALSE(cc::parse_depfile("foo.o: foo.c\nstray words\n").has_value());
  EXPECT_FALSE(cc::parse_depfile(std::string_view("foo.o: foo\0.c\n", 14)).has_value());
  // Truncated mid-line or after a continuation: what was read is kept.
  EXPECT_EQ(cc::parse_depfile("foo.o: foo.c \\")->prerequisites, Names{"foo.c"});
  EXPECT_EQ(cc::parse_depfile("foo.o: foo.c foo")->prerequisites, (Names{"foo.c", "foo"}));
}

TEST(CcDepfile, LongRunsOfBackslashesTakeLinearTime) {
  // A megabyte of backslashes and blanks: each byte is looked at a bounded number of times.
  std::string text = "t: ";
  for (int i = 0; i < 1 << 18; ++i) text += "\\\\\\ ";
  text += "\n";
  const auto deps = cc::parse_depfile(text);
  ASSERT_TRUE(deps.has_value());
  ASSERT_EQ(deps->prerequisites.size(), 1u);
  EXPECT_EQ(deps->prerequisites[0].size(), 2u << 18);
}
