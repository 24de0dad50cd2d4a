#include "rustc/compilation.hpp"

#include <algorithm>
#include <array>

#include "util/files.hpp"
#include "util/strings.hpp"

namespace larder::rustc {

namespace {

bool is_windows_msvc(const std::optional<std::string>& target) {
  return target && target->find("windows-msvc") != std::string::npos;
}

bool is_apple(const std::optional<std::string>& target) {
  return target && (target->find("apple") != std::string::npos);
}

bool is_windows(const std::optional<std::string>& target) {
  return target && target->find("windows") != std::string::npos;
}

// The file name rustc gives the `link` output of one crate type, or nullopt for a crate type
// whose naming larder does not know on this target.
std::optional<std::string> link_file_name(const std::string& crate_type, const std::string& stem,
                                          const std::optional<std::string>& target) {
  if (crate_type == "lib" || crate_type == "rlib") return "lib" + stem + ".rlib";
  if (crate_type == "staticlib") return is_windows_msvc(target) ? stem + ".lib" : "lib" + stem + ".a";
  if (is_windows(target)) return std::nullopt;  // .dll/.exe come with import libraries and PDBs
  if (crate_type == "dylib" || crate_type == "cdylib" || crate_type == "proc-macro") {
    return "lib" + stem + (is_apple(target) ? ".dylib" : ".so");
  }
  if (crate_type == "bin") return stem;
  return std::nullopt;
}

bool is_linked(const std::string& crate_type) {
  return crate_type == "bin" || crate_type == "proc-macro" || crate_type == "dylib" || crate_type == "cdylib";
}

// Why the link of this call cannot be described with certainty, or nullopt when it can: larder
// needs a GNU-compatible linker driver (it asks ld for --dependency-file) on an ELF target.
std::optional<Reason> link_uncertainty(const ParsedArguments& args) {
  if (args.target && args.target->find("linux") == std::string::npos) return Reason::LinkedTarget;
  if (args.codegen_value("linker-flavor")) return Reason::LinkerFlavor;
  for (const auto& [key, value] : args.codegen) {
    if (key != "link-arg" && key != "link-args") continue;
    for (const auto& token : split(value, ' ')) {
      if (token.starts_with("@") || token.find(",@") != std::string::npos) return Reason::LinkArgFile;
    }
  }
  return std::nullopt;
}

Compilation not_cacheable(Reason reason, std::string detail = "") {
  Compilation c;
  c.kind = CallKind::NotCacheable;
  c.reason = NotCachedReason{reason, std::move(detail)};
  return c;
}

}  // namespace

Compilation analyze(const ParsedArguments& args, const std::filesystem::path& cwd, const AnalysisOptions& options) {
  if (args.is_version_query || args.is_help || args.has_print ||
      (args.inputs.size() == 1 && args.inputs[0] == "-" && args.has_print)) {
    Compilation c;
    c.kind = CallKind::NotCompilation;
    return c;
  }
  if (args.inputs.empty()) {
    Compilation c;
    c.kind = CallKind::NotCompilation;
    return c;
  }
  if (args.unknown_option) return not_cacheable(Reason::UnknownOption);
  if (args.inputs.size() > 1) return not_cacheable(Reason::MultipleInputs);
  if (args.inputs[0] == "-") return not_cacheable(Reason::StdinInput);
  if (args.codegen_value("incremental")) return not_cacheable(Reason::Incremental);
  if (args.output_file) return not_cacheable(Reason::OutputFile);
  if (args.test_harness && !options.cache_linked) return not_cacheable(Reason::TestHarness);
  if (args.crate_name.empty()) return not_cacheable(Reason::NoCrateName);
  if (auto split = args.codegen_value("split-debuginfo"); split && *split != "off") {
    return not_cacheable(Reason::SplitDebuginfo);
  }
  if (args.codegen_value("save-temps")) return not_cacheable(Reason::SaveTemps);
  if (args.codegen_value("profile-use")) return not_cacheable(Reason::ProfileUse);
  std::vector<std::string> crate_types = args.crate_types;
  if (args.test_harness) crate_types = {"bin"};
  // Without --crate-type rustc builds a bin unless the source says otherwise: unknowable here.
  if (crate_types.empty()) {
    return options.cache_linked ? not_cacheable(Reason::NoCrateType) : not_cacheable(Reason::CrateType, "bin");
  }
  bool linked = false;
  for (const auto& type : crate_types) {
    linked = linked || is_linked(type);
    if (is_linked(type) && !options.cache_linked) return not_cacheable(Reason::CrateType, type);
    if (type != "lib" && type != "rlib" && type != "staticlib" && !is_linked(type)) {
      return not_cacheable(Reason::CrateType, type);
    }
  }

  std::vector<EmitRequest> emits = args.emits;
  if (emits.empty()) emits.push_back({"link", std::nullopt});
  // `cargo check` of a bin emits metadata only: nothing is linked.
  linked = linked && std::any_of(emits.begin(), emits.end(), [](const EmitRequest& e) { return e.kind == "link"; });
  if (linked) {
    if (auto reason = link_uncertainty(args)) return not_cacheable(*reason);
  }

  Compilation c;
  c.kind = CallKind::Compile;
  c.linked = linked;
  const std::filesystem::path out_dir = args.out_dir ? std::filesystem::path(*args.out_dir) : cwd;
  const std::string stem = args.crate_name + args.extra_filename;

  auto add_output = [&](std::string role, const std::filesystem::path& default_path,
                        const std::optional<std::string>& explicit_path) {
    std::filesystem::path path = explicit_path ? std::filesystem::path(*explicit_path) : default_path;
    if (path.is_relative()) path = cwd / path;
    const bool relocated = role == "dep-info";  // it names the sources by path
    c.outputs.push_back({std::move(role), path, relocated});
  };

  for (const auto& emit : emits) {
    if (emit.path && *emit.path == "-") return not_cacheable(Reason::EmitToStdout);
    if (emit.kind == "link") {
      for (const auto& type : crate_types) {
        auto name = link_file_name(type, stem, args.target);
        if (!name) return not_cacheable(Reason::TargetNaming, type);
        // `lib` and `rlib` name the same file.
        const std::string role = type == "lib" ? "rlib" : type;
        if (std::any_of(c.outputs.begin(), c.outputs.end(), [&](const ExpectedOutput& o) { return o.role == role; })) {
          continue;
        }
        add_output(role, out_dir / *name, emit.path);
      }
    } else if (emit.kind == "metadata") {
      add_output("rmeta", out_dir / ("lib" + stem + ".rmeta"), emit.path);
    } else if (emit.kind == "dep-info") {
      add_output("dep-info", out_dir / (stem + ".d"), emit.path);
      c.dep_info_path = c.outputs.back().path;
    } else if (emit.kind == "obj") {
      add_output("obj", out_dir / (stem + ".o"), emit.path);
    } else if (emit.kind == "asm") {
      add_output("asm", out_dir / (stem + ".s"), emit.path);
    } else if (emit.kind == "llvm-ir") {
      add_output("llvm-ir", out_dir / (stem + ".ll"), emit.path);
    } else if (emit.kind == "llvm-bc") {
      add_output("llvm-bc", out_dir / (stem + ".bc"), emit.path);
    } else if (emit.kind == "mir") {
      add_output("mir", out_dir / (stem + ".mir"), emit.path);
    } else {
      return not_cacheable(Reason::Emit, emit.kind);
    }
  }
  // Two emits writing one path (e.g. link with several crate types and an explicit path)
  // cannot be told apart on restore.
  for (size_t i = 0; i < c.outputs.size(); ++i) {
    for (size_t j = i + 1; j < c.outputs.size(); ++j) {
      if (c.outputs[i].path == c.outputs[j].path) return not_cacheable(Reason::OutputCollision);
    }
  }
  if (c.dep_info_path.empty()) {
    c.injected_dep_info = true;
    c.dep_info_path = temp_path_for(out_dir / (stem + ".larder.d"));
  }
  if (c.linked) c.link_inputs_path = temp_path_for(out_dir / (stem + ".larder-link.d"));
  return c;
}

}  // namespace larder::rustc
