#pragma once
// GCC's rules for the names of a compile's files: the language of a source, the object and the
// depfile it writes when the command line does not name them.
#include <cstdint>
#include <string>
#include <string_view>

#include "cc/arguments.hpp"

namespace larder::cc {

enum class SourceKind : uint8_t { Source, Header, Other };

struct LanguageOf {
  SourceKind kind = SourceKind::Other;
  Language language = Language::C;
};

// A -x name ("c", "c++-header"…).
LanguageOf language_named(std::string_view name);
// By the file's extension, as GCC reads it (Clang reads .sx as a linker input and writes no
// object).
LanguageOf language_of_file(std::string_view path);

// The extension of a file name's last component, from its last dot ("" for none).
std::string_view extension_of(std::string_view path);

// The object of `-c source` without -o: the source's name without folders and suffix, with .o,
// in the working folder ("src/foo.c" -> "foo.o"). A leading dot is not a suffix.
std::string default_output(std::string_view source);

// The depfile of -MD or -MMD without -MF: the object with the suffix of its last component
// (from its last dot) replaced by .d ("out/foo.o" -> "out/foo.d", "out/foo" -> "out/foo.d").
std::string default_depfile(std::string_view output);

bool is_precompiled_header_name(std::string_view path);

}  // namespace larder::cc
