#pragma once
// The AWS shared credentials and config files: INI sections of key = value lines.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace larder::aws {

// section name as written between the brackets ("default", "profile ci") -> key -> value.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

IniSections parse_ini(std::string_view text);
// nullopt when the file cannot be read.
std::optional<IniSections> read_ini_file(const std::filesystem::path& path);

}  // namespace larder::aws
