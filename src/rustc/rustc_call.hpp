#pragma once
// rustc as a compiler::Call: cargo's `larder rustc ARGS…`, and `larder clippy-driver rustc ARGS…`
// where a workspace wrapper (RUSTC_WORKSPACE_WRAPPER) stands in front of rustc.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compiler/call.hpp"
#include "rustc/arguments.hpp"
#include "rustc/compilation.hpp"

namespace larder::rustc {

// What cargo runs through RUSTC_WRAPPER, with a workspace wrapper peeled off: the call is
// classified by rustc's arguments and run with the wrapper in front.
struct Invocation {
  std::optional<std::string> workspace_wrapper;  // clippy-driver, or another wrapper
  std::string rustc;
  std::vector<std::string> args;  // as cargo passed them (@argfiles unexpanded)

  bool is_clippy() const;
  // [wrapper,] rustc, args
  std::vector<std::string> command() const;
};

// `command` is what follows `larder`: `rustc ARGS` or `WRAPPER rustc ARGS` (the second program
// is rustc when its file name starts with "rustc").
Invocation split_invocation(const std::vector<std::string>& command);

class RustcCall final : public compiler::Call {
 public:
  RustcCall(Invocation invocation, ParsedArguments args, Compilation compilation, std::filesystem::path cwd);

  compiler::Language language() const override { return compiler::Language::Rust; }
  const std::string& label() const override { return args_.crate_name; }
  std::string identity() const override;
  std::string variant() const override { return args_.codegen_value("metadata").value_or(""); }
  Expected<KeyBuilder> call_key(const compiler::KeyContext& context, KeyBuilder key) override;
  const PathMap& paths() const override { return paths_; }
  const std::vector<compiler::ExpectedOutput>& outputs() const override { return compilation_.outputs; }
  std::vector<std::string> command(compiler::Additions additions) const override;
  bool caches_failures() const override { return invocation_.is_clippy(); }
  void remove_stale_temporaries() const override;
  std::optional<compiler::InputsRead> inputs_read() const override;
  void remove_temporaries() const override;

 private:
  // Every file the linker read, except the toolchain's own files and rustc's temporaries.
  bool add_link_inputs(compiler::InputsRead& inputs) const;
  // clippy's identity, the variables it reads and the configuration file it would find.
  Expected<void> add_wrapper_key(const compiler::KeyContext& context, KeyBuilder& key) const;

  Invocation invocation_;
  ParsedArguments args_;
  Compilation compilation_;
  std::filesystem::path cwd_;
  std::string sysroot_;
  PathMap paths_;
};

// The configuration file clippy reads for a crate: clippy.toml or .clippy.toml in
// CLIPPY_CONF_DIR, else in the crate's folder, or in the nearest parent that has one.
std::optional<std::filesystem::path> find_clippy_config(const std::optional<std::string>& conf_dir,
                                                        const std::optional<std::string>& manifest_dir,
                                                        const std::filesystem::path& cwd);

}  // namespace larder::rustc
