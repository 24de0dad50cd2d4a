#include "rustc/arguments.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "util/files.hpp"
#include "util/strings.hpp"

namespace larder::rustc {

namespace {

// Options that take a value, with their short and long spellings.
struct OptionSpec {
  std::string_view spelling;
  std::string_view canonical;
};

constexpr std::array kValueOptions = {
    OptionSpec{"--crate-name", "--crate-name"},
    OptionSpec{"--crate-type", "--crate-type"},
    OptionSpec{"--edition", "--edition"},
    OptionSpec{"--emit", "--emit"},
    OptionSpec{"--print", "--print"},
    OptionSpec{"-o", "-o"},
    OptionSpec{"--out-dir", "--out-dir"},
    OptionSpec{"--explain", "--explain"},
    OptionSpec{"--target", "--target"},
    OptionSpec{"--cap-lints", "--cap-lints"},
    OptionSpec{"--error-format", "--error-format"},
    OptionSpec{"--json", "--json"},
    OptionSpec{"--color", "--color"},
    OptionSpec{"--diagnostic-width", "--diagnostic-width"},
    OptionSpec{"--extern", "--extern"},
    OptionSpec{"-L", "-L"},
    OptionSpec{"-l", "-l"},
    OptionSpec{"-C", "-C"},
    OptionSpec{"--codegen", "-C"},
    OptionSpec{"-W", "-W"},
    OptionSpec{"--warn", "-W"},
    OptionSpec{"-A", "-A"},
    OptionSpec{"--allow", "-A"},
    OptionSpec{"-D", "-D"},
    OptionSpec{"--deny", "-D"},
    OptionSpec{"-F", "-F"},
    OptionSpec{"--forbid", "-F"},
    OptionSpec{"--force-warn", "--force-warn"},
    OptionSpec{"--cfg", "--cfg"},
    OptionSpec{"--check-cfg", "--check-cfg"},
    OptionSpec{"--sysroot", "--sysroot"},
    OptionSpec{"--remap-path-prefix", "--remap-path-prefix"},
    OptionSpec{"--remap-path-scope", "--remap-path-scope"},
    OptionSpec{"-Z", "-Z"},
    OptionSpec{"--crate-attr", "--crate-attr"},
    OptionSpec{"--env-set", "--env-set"},
    OptionSpec{"--unpretty", "--unpretty"},
    OptionSpec{"--extern-location", "--extern-location"},
};

// Flags without a value that larder accepts.
constexpr std::array<std::string_view, 8> kPlainFlags = {
    "--test", "-O", "-g", "--verbose", "-v", "--version", "-V", "-h",
};

const OptionSpec* find_value_option(std::string_view spelling) {
  for (const auto& spec : kValueOptions) {
    if (spec.spelling == spelling) return &spec;
  }
  return nullptr;
}

// Short options whose value may be glued on: -Copt-level=3, -Lnative=dir, -lfoo.
constexpr std::array<std::string_view, 8> kGluedShortOptions = {"-C", "-L", "-l", "-W", "-A", "-D", "-F", "-Z"};

void record(ParsedArguments& parsed, const Argument& arg) {
  const std::string& f = arg.flag;
  const std::string& v = arg.value;
  if (f == "--crate-name") {
    parsed.crate_name = v;
  } else if (f == "--crate-type") {
    for (auto& type : split(v, ',')) parsed.crate_types.push_back(std::string(trim(type)));
  } else if (f == "--emit") {
    for (auto& item : split(v, ',')) {
      EmitRequest emit;
      const size_t eq = item.find('=');
      emit.kind = std::string(trim(item.substr(0, eq)));
      if (eq != std::string::npos) emit.path = item.substr(eq + 1);
      parsed.emits.push_back(emit);
    }
  } else if (f == "--print") {
    parsed.has_print = true;
  } else if (f == "-o") {
    parsed.output_file = v;
  } else if (f == "--out-dir") {
    parsed.out_dir = v;
  } else if (f == "--target") {
    parsed.target = v;
  } else if (f == "--sysroot") {
    parsed.sysroot = v;
  } else if (f == "--extern") {
    Extern ext;
    const size_t eq = v.find('=');
    ext.name = v.substr(0, eq);
    if (eq != std::string::npos) ext.path = v.substr(eq + 1);
    parsed.externs.push_back(ext);
  } else if (f == "-L") {
    SearchPath search;
    const size_t eq = v.find('=');
    static constexpr std::array<std::string_view, 5> kKinds = {"all", "native", "crate", "dependency", "framework"};
    if (eq != std::string::npos &&
        std::find(kKinds.begin(), kKinds.end(), std::string_view(v).substr(0, eq)) != kKinds.end()) {
      search.kind = v.substr(0, eq);
      search.path = v.substr(eq + 1);
    } else {
      search.kind = "all";
      search.path = v;
    }
    parsed.search_paths.push_back(search);
  } else if (f == "-l") {
    NativeLib lib;
    const size_t eq = v.find('=');
    if (eq != std::string::npos) {
      lib.kind = v.substr(0, eq);
      lib.name = v.substr(eq + 1);
    } else {
      lib.name = v;
    }
    // "static:+bundle" -> kind "static" (modifiers are hashed with the argument itself)
    lib.kind = lib.kind.substr(0, lib.kind.find(':'));
    parsed.native_libs.push_back(lib);
  } else if (f == "-C") {
    const size_t eq = v.find('=');
    const std::string key = v.substr(0, eq);
    parsed.codegen.emplace_back(key, eq == std::string::npos ? "" : v.substr(eq + 1));
    if (key == "extra-filename") parsed.extra_filename = v.substr(eq + 1);
    if (key == "help") parsed.is_help = true;
  } else if (f == "--test") {
    parsed.test_harness = true;
  } else if (f == "--version" || f == "-V") {
    parsed.is_version_query = true;
  } else if (f == "-h" || f == "--help" || f == "--explain" || (f == "-W" && v == "help")) {
    parsed.is_help = true;
  }
}

}  // namespace

std::optional<std::string> ParsedArguments::codegen_value(std::string_view key) const {
  std::optional<std::string> found;
  for (const auto& [k, v] : codegen) {
    if (k == key) found = v;  // the last one wins, as in rustc
  }
  return found;
}

Expected<std::vector<std::string>> expand_argfiles(const std::vector<std::string>& input) {
  std::vector<std::string> output;
  for (const auto& arg : input) {
    if (arg.size() > 1 && arg[0] == '@') {
      auto contents = read_file(arg.substr(1));
      if (!contents) return unexpected("cannot read argfile " + arg.substr(1));
      // rustc: one argument per line; a trailing newline does not add an empty argument.
      auto lines = split(*contents, '\n');
      if (!lines.empty() && lines.back().empty()) lines.pop_back();
      for (auto& line : lines) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        output.push_back(line);
      }
    } else {
      output.push_back(arg);
    }
  }
  return output;
}

ParsedArguments parse_arguments(const std::vector<std::string>& args) {
  ParsedArguments parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    Argument arg;
    if (token == "-" || token.empty() || token[0] != '-') {
      parsed.inputs.push_back(token);
      arg.value = token;
      arg.has_value = true;
      parsed.arguments.push_back(arg);
      continue;
    }
    if (token == "-vV" || token == "-Vv") {
      parsed.is_version_query = true;
      arg.flag = token;
      parsed.arguments.push_back(arg);
      continue;
    }
    const size_t eq = token.find('=');
    if (token.starts_with("--") && eq != std::string::npos) {
      if (const auto* spec = find_value_option(std::string_view(token).substr(0, eq))) {
        arg = {std::string(spec->canonical), token.substr(eq + 1), true};
        record(parsed, arg);
        parsed.arguments.push_back(arg);
        continue;
      }
    }
    if (const auto* spec = find_value_option(token)) {
      arg.flag = spec->canonical;
      if (i + 1 < args.size()) {
        arg.value = args[++i];
        arg.has_value = true;
      } else {
        parsed.unknown_option = true;  // a value option at the end: let rustc complain
        parsed.unknown_option_name = token;
      }
      record(parsed, arg);
      parsed.arguments.push_back(arg);
      continue;
    }
    bool glued = false;
    for (auto short_option : kGluedShortOptions) {
      if (token.size() > 2 && std::string_view(token).substr(0, 2) == short_option) {
        arg = {std::string(short_option), token.substr(2), true};
        glued = true;
        break;
      }
    }
    if (glued) {
      record(parsed, arg);
      parsed.arguments.push_back(arg);
      continue;
    }
    arg.flag = token;
    if (token == "--help") parsed.is_help = true;
    if (std::find(kPlainFlags.begin(), kPlainFlags.end(), token) == kPlainFlags.end() && token != "--help") {
      parsed.unknown_option = true;
      parsed.unknown_option_name = token;
    }
    record(parsed, arg);
    parsed.arguments.push_back(arg);
  }
  return parsed;
}

std::vector<std::string> render_arguments(const std::vector<Argument>& arguments) {
  std::vector<std::string> out;
  out.reserve(arguments.size() * 2);
  for (const auto& arg : arguments) {
    if (arg.flag.empty()) {
      out.push_back(arg.value);
    } else if (!arg.has_value) {
      out.push_back(arg.flag);
    } else if (arg.flag.starts_with("--")) {
      out.push_back(arg.flag + "=" + arg.value);
    } else {
      out.push_back(arg.flag);
      out.push_back(arg.value);
    }
  }
  return out;
}

}  // namespace larder::rustc
