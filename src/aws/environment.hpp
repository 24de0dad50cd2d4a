#pragma once
// How AWS code reads environment variables: injected, so that tests and `Settings` agree.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace larder::aws {

using Env = std::function<std::optional<std::string>(std::string_view)>;

// A variable's value when set and not empty.
std::optional<std::string> env_value(const Env& env, std::string_view name);
// ~/.aws/<name>, following HOME.
std::filesystem::path aws_home_file(const Env& env, std::string_view name);
// The active profile: AWS_PROFILE, else "default".
std::string active_profile(const Env& env);
// "2024-05-01T12:00:00Z" (fractions and offsets allowed) -> unix seconds.
std::optional<int64_t> parse_iso8601(std::string_view text);

}  // namespace larder::aws
