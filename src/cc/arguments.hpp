#pragma once
// A GCC or Clang command line as larder understands it: whether it is one compile of one C, C++
// or assembler source to an object, and everything in it that can change the object or the
// diagnostics. Flags are classified from tables (options.cpp, flag_families.cpp); a flag in none
// of them makes the call uncached (`unknown-flag:<flag>`): a guess could restore a wrong object.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/reasons.hpp"

namespace larder::cc {

enum class Language : uint8_t { C, Cxx, Assembler, AssemblerWithCpp };

// GCC's `-x` name: "c", "c++", "assembler", "assembler-with-cpp".
std::string_view language_name(Language language);

// What the value of a key argument is, so the caller can make paths portable.
enum class ValueKind : uint8_t {
  None,     // a flag without a value ("-O2", "-fPIC")
  Text,     // a value that is not a path ("-D" "FOO=1", "--target=" "x86_64-unknown-linux-gnu")
  Path,     // a file or folder ("-I" "/abs/include", "--sysroot=" "/opt/sysroot")
  PathMap,  // "OLD=NEW" of the -f*-prefix-map flags, where OLD is a path
};

// One argument that can change the object or the diagnostics, with a split form joined:
// `-I dir` and `-Idir` are both {"-I", "dir"}, `-target x` is {"--target=", "x"}.
struct KeyArgument {
  std::string option;  // the spelling without its value
  std::string value;
  ValueKind kind = ValueKind::None;

  std::string text() const { return option + value; }  // "-Idir": for a key, not to run
  bool operator==(const KeyArgument&) const = default;
};

// A folder searched for headers. GCC and Clang search, for `#include "x"`: the including file's
// folder, the Quote folders, then as for `#include <x>`: the Angled (and Framework) folders, the
// System (and SystemFramework) folders, the compiler's standard folders, the After folders.
// A folder given with -I that is also a system folder is dropped from the Angled ones.
enum class IncludeKind : uint8_t {
  Quote,            // -iquote
  Angled,           // -I
  Framework,        // -F (clang, Apple): searched with the -I folders, in their order
  System,           // -isystem
  SystemFramework,  // -iframework: searched with the -isystem folders
  After,            // -idirafter
};

struct IncludeDir {
  IncludeKind kind;
  std::string path;  // as written
  bool operator==(const IncludeDir&) const = default;
};

// A header read before the source's first line: -imacros (only its macros are kept) ones come
// first, then -include ones, each in command-line order. A relative one is searched in the
// working folder first, then like `#include "file"`.
enum class ForcedIncludeKind : uint8_t { Macros, Include };

struct ForcedInclude {
  ForcedIncludeKind kind;
  std::string path;  // as written
  bool operator==(const ForcedInclude&) const = default;
};

// A -MT (written as is) or -MQ (quoted for make) target of the depfile.
struct DepfileTarget {
  std::string name;
  bool quoted = false;
  bool operator==(const DepfileTarget&) const = default;
};

// The depfile the compiler writes because the call asked for one (-MD or -MMD). The flags that
// only shape it (-MF, -MT, -MQ, -MP) are not key arguments; they are here so the caller can
// write it again for another output path.
struct DepfileRequest {
  std::string path;  // -MF, else the output with its extension replaced by .d
  // -MD lists every header; -MMD leaves out those found in system folders.
  bool system_headers = true;
  bool phony_targets = false;  // -MP: a rule without prerequisites for every header
  // In command-line order; empty means the output, quoted. GCC writes all -MT targets before
  // the -MQ ones; Clang keeps their order.
  std::vector<DepfileTarget> targets;
};

struct ParsedCall {
  // Set when the call cannot be cached; the fields below are then incomplete.
  std::optional<NotCachedReason> reason;
  // A call that compiles nothing (`--version`, `-v` without inputs, `-dumpmachine`, `-print-…`,
  // `--help`, `-###`, no arguments): passed straight through and not counted. `reason` is unset.
  bool not_compilation = false;

  std::string source;  // the one input file, as written
  Language language = Language::C;
  std::string output;  // -o, else the source's name with .o, in the working folder
  std::optional<DepfileRequest> depfile;

  // For the key, not to run (the caller runs the arguments as given): the language as "-x"
  // first, then every other argument in command-line order, normalised; without -c, -o, the
  // source, -x before the source (the first argument stands for them) and -MF/-MT/-MQ/-MP.
  std::vector<KeyArgument> key_arguments;
  // In the order GCC searches them: Quote, then Angled and Framework, then System and
  // SystemFramework, then After; in command-line order within each group.
  std::vector<IncludeDir> include_dirs;
  std::vector<ForcedInclude> forced_includes;  // -imacros ones first, then -include ones
  std::optional<std::string> sysroot;          // where the standard headers are: -isysroot, else --sysroot
  bool no_standard_includes = false;           // -nostdinc (the standard folders are not searched)

  // The key arguments as strings ("-Iinclude"), for logs and tests.
  std::vector<std::string> key_texts() const;
};

// Classifies a compiler's arguments (without the compiler's path). Never throws and never reads
// a file: `@file` arguments make the call uncached.
ParsedCall classify(const std::vector<std::string>& args);

}  // namespace larder::cc
