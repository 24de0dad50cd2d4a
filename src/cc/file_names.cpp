#include "cc/file_names.hpp"

#include <algorithm>
#include <array>

namespace larder::cc {

LanguageOf language_named(std::string_view name) {
  if (name == "c") return {SourceKind::Source, Language::C};
  if (name == "c++") return {SourceKind::Source, Language::Cxx};
  if (name == "assembler") return {SourceKind::Source, Language::Assembler};
  if (name == "assembler-with-cpp") return {SourceKind::Source, Language::AssemblerWithCpp};
  if (name.ends_with("-header")) return {SourceKind::Header};  // c-header, c++-system-header…
  return {};
}

LanguageOf language_of_file(std::string_view path) {
  static constexpr std::array<std::string_view, 7> kCxx = {".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C"};
  static constexpr std::array<std::string_view, 9> kHeaders = {".h",   ".hh",  ".H",   ".hp", ".hxx",
                                                               ".hpp", ".HPP", ".h++", ".tcc"};
  const std::string_view extension = extension_of(path);
  if (extension == ".c") return {SourceKind::Source, Language::C};
  if (std::find(kCxx.begin(), kCxx.end(), extension) != kCxx.end()) return {SourceKind::Source, Language::Cxx};
  if (extension == ".s") return {SourceKind::Source, Language::Assembler};
  if (extension == ".S" || extension == ".sx") return {SourceKind::Source, Language::AssemblerWithCpp};
  if (std::find(kHeaders.begin(), kHeaders.end(), extension) != kHeaders.end()) return {SourceKind::Header};
  return {};
}

std::string_view extension_of(std::string_view path) {
  const std::string_view name = path.substr(path.find_last_of('/') + 1);
  const size_t dot = name.find_last_of('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot);
}

std::string default_output(std::string_view source) {
  std::string_view name = source.substr(source.find_last_of('/') + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name) + ".o";
}

std::string default_depfile(std::string_view output) {
  const size_t slash = output.find_last_of('/');
  const size_t dot = output.find_last_of('.');
  const bool in_name = dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
  return std::string(in_name ? output.substr(0, dot) : output) + ".d";
}

bool is_precompiled_header_name(std::string_view path) {
  const std::string_view extension = extension_of(path);
  return extension == ".gch" || extension == ".pch" || extension == ".pth";
}

}  // namespace larder::cc
