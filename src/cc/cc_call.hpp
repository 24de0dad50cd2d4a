#pragma once
// A C, C++ or assembler compile as a compiler::Call: `larder cc|c++|gcc|g++|clang|clang++ ARGS…`
// and larder called through a link named after the compiler. One source to one object; the
// key holds the compiler's identity and every argument that changes the object, the manifest
// the files the depfile lists (direct mode: a hit runs no preprocessor).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cc/arguments.hpp"
#include "compiler/call.hpp"

namespace larder::cc {

// Whether a program's file name is a C compiler driver's: cc, c++, gcc, g++, clang, clang++,
// with a target prefix ("aarch64-linux-gnu-gcc") or a version suffix ("gcc-12", "clang-16").
bool is_compiler_name(std::string_view file_name);

// The compiler `name` stands for: the first executable of that name in PATH that is not larder
// itself (a masquerade folder may come first in PATH), or a path as given. "" when none.
std::string find_real_compiler(const std::string& name);

// The variables that make the compiler write files larder does not know of, or change its
// arguments behind larder's back: such a call is not cached.
std::optional<NotCachedReason> environment_reason();

// The family's language for stats and `larder explain`: assembler with or without cpp is one.
compiler::Language family_language(Language language);

// How logs and `larder explain` name a compile: the source's folder and file name.
std::string source_label(const std::string& source);

class CcCall final : public compiler::Call {
 public:
  // `compiler` is the real compiler's path; `args` as the build system passed them.
  CcCall(std::string compiler, std::vector<std::string> args, ParsedCall parsed, std::filesystem::path cwd);

  compiler::Language language() const override;
  const std::string& label() const override { return label_; }
  std::string identity() const override;
  std::string variant() const override { return ""; }
  Expected<KeyBuilder> call_key(const compiler::KeyContext& context, KeyBuilder key) override;
  const PathMap& paths() const override { return paths_; }
  const std::vector<compiler::ExpectedOutput>& outputs() const override { return outputs_; }
  std::vector<std::string> command(compiler::Additions additions) const override;
  void remove_stale_temporaries() const override;
  std::optional<compiler::InputsRead> inputs_read() const override;
  void remove_temporaries() const override;

 private:
  // Where each header could have been found earlier in the search: a file appearing there
  // would be included instead.
  std::vector<std::filesystem::path> shadowing_candidates(const std::vector<std::string>& headers) const;

  std::string compiler_;
  std::vector<std::string> args_;
  ParsedCall parsed_;
  std::filesystem::path cwd_;
  std::string label_;
  std::filesystem::path output_;   // absolute
  std::filesystem::path depfile_;  // the one the compiler writes: the call's own or larder's
  bool injected_depfile_ = false;
  std::vector<compiler::ExpectedOutput> outputs_;
  PathMap paths_;
};

}  // namespace larder::cc
