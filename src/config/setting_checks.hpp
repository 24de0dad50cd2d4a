#pragma once
// Checks of setting values against their kind (config/settings.hpp): each problem names the
// setting and its value (secrets masked), says what is wrong and how to fix it, and what larder
// does meanwhile. URLs are read as the remotes read them (storage/remote/remote_url, over libcurl).
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "util/expected.hpp"

namespace larder {

std::vector<std::string> check_setting_values(const std::vector<SettingValue>& values);

// Whether one URL is fine, with a scheme among `schemes`; the error says what is wrong ("is not a
// URL: …"). Several hosts separated by commas (memcached://a:1,b:2) are checked one by one.
Expected<void> check_url(std::string_view url, const std::vector<std::string_view>& schemes);

}  // namespace larder
