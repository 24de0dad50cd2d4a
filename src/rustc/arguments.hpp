#pragma once
// rustc's command line as larder understands it: every form cargo produces (`--flag value`,
// `--flag=value`, `-Ckey=value`, `-C key=value`, `-Lpath`, `@argfile`).
#include <optional>
#include <string>
#include <vector>

#include "util/expected.hpp"

namespace larder::rustc {

// One option as written on the command line, normalised to (flag, value) form.
struct Argument {
  std::string flag;   // "--crate-type", "-C", "--cfg"…; empty for a positional input
  std::string value;  // "" for flags without a value
  bool has_value = false;
};

struct EmitRequest {
  std::string kind;                 // link, metadata, dep-info, obj, asm, llvm-ir, llvm-bc, mir
  std::optional<std::string> path;  // --emit kind=PATH
};

struct Extern {
  std::string name;
  std::optional<std::string> path;
};

struct SearchPath {
  std::string kind;  // all, native, crate, dependency, framework
  std::string path;
};

struct NativeLib {
  std::string kind;  // static, dylib, framework, "" (default)
  std::string name;  // as written after modifiers; "name:rename" is kept whole
};

struct ParsedArguments {
  std::vector<Argument> arguments;  // in order, after @argfile expansion
  std::vector<std::string> inputs;  // positional inputs ("-" is stdin)
  std::string crate_name;
  std::vector<std::string> crate_types;
  std::vector<EmitRequest> emits;
  std::optional<std::string> out_dir;
  std::optional<std::string> output_file;  // -o
  std::vector<Extern> externs;
  std::vector<SearchPath> search_paths;
  std::vector<NativeLib> native_libs;
  std::vector<std::pair<std::string, std::string>> codegen;  // -C key[=value]
  std::optional<std::string> target;
  std::optional<std::string> sysroot;
  std::string extra_filename;
  bool test_harness = false;      // --test
  bool has_print = false;         // --print …
  bool is_version_query = false;  // -V, -vV, --version
  bool is_help = false;           // -h, --help, --explain, -C help, -W help
  bool unknown_option = false;    // an option larder does not know
  std::string unknown_option_name;

  std::optional<std::string> codegen_value(std::string_view key) const;
};

// Expands @argfiles (one argument per line, as rustc reads them); an unreadable argfile is an
// error.
Expected<std::vector<std::string>> expand_argfiles(const std::vector<std::string>& input);

// Parses rustc arguments (without the compiler path). Never fails: what it does not
// understand is flagged so the call is passed through uncached.
ParsedArguments parse_arguments(const std::vector<std::string>& args);

// Renders parsed arguments back to a command line, each option as `flag=value`
// (or `-Ckey=value`), for running rustc with additions.
std::vector<std::string> render_arguments(const std::vector<Argument>& arguments);

}  // namespace larder::rustc
