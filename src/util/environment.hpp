#pragma once
// The process environment, read where a value must be the one the compiler will see.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace larder {

std::optional<std::string> env_value(std::string_view name);
// Every NAME=value of the environment, in its order.
std::vector<std::pair<std::string, std::string>> environment_list();

}  // namespace larder
