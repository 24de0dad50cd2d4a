#pragma once
// The region the user configured, in the SDK order after larder's own setting: LARDER_REGION,
// AWS_REGION, AWS_DEFAULT_REGION, the active profile's `region` in the config file.
#include <optional>
#include <string>

#include "aws/environment.hpp"

namespace larder::aws {

struct RegionChoice {
  std::optional<std::string> region;
  std::string source;  // "LARDER_REGION", "AWS_REGION", "profile 'ci' in …", "" when none
};

RegionChoice configured_region(const std::optional<std::string>& larder_region, const Env& env);

}  // namespace larder::aws
