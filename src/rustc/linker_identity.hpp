#pragma once
// The identity of the linker a linked crate (bin, proc-macro, dylib, cdylib) uses: the linker
// driver (-C linker, else cc) and the ld it runs, hashed once and memoized by path and stamp.
// The files the link reads (C runtime, libc, native libraries, rlibs) are not part of it: the
// linker itself lists them (--dependency-file) and they are hashed like sources.
#include <filesystem>
#include <string>

#include "rustc/arguments.hpp"
#include "util/expected.hpp"

namespace larder::rustc {

struct LinkerIdentity {
  std::string driver;  // the resolved linker driver
  std::string version_line;
  std::string hash;
};

// Why not, when the linker cannot be found or run.
Expected<LinkerIdentity> identify_linker(const ParsedArguments& args, const std::filesystem::path& memo_dir);

}  // namespace larder::rustc
