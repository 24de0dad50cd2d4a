#pragma once
// Checks of setting values against their kind (config/settings.hpp): each problem names the
// setting and its value (secrets masked), says what is wrong and how to fix it, and what larder
// does meanwhile. URLs are read as the remotes read them (storage/remote/remote_url, over libcurl).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"

namespace larder {

std::vector<std::string> check_setting_values(const std::vector<SettingValue>& values);

// What is wrong with one URL whose scheme must be one of `schemes`, or nullopt when it is fine.
// Several hosts separated by commas (memcached://a:1,b:2) are checked one by one.
std::optional<std::string> url_problem(std::string_view url, const std::vector<std::string_view>& schemes);

}  // namespace larder
