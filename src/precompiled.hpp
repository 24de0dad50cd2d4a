// Heavy third-party headers compiled once per build (see target_precompile_headers).
#pragma once
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
