#include "aws/region.hpp"

#include "aws/ini_file.hpp"

namespace larder::aws {

RegionChoice configured_region(const std::optional<std::string>& larder_region, const Env& env) {
  if (larder_region && !larder_region->empty()) return {*larder_region, "LARDER_REGION"};
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto value = env_value(env, name)) return {*value, name};
  }
  const std::string profile = active_profile(env);
  const auto path = env_value(env, "AWS_CONFIG_FILE").value_or(aws_home_file(env, "config").string());
  if (auto sections = read_ini_file(path)) {
    auto section = sections->find(profile == "default" ? profile : "profile " + profile);
    if (section != sections->end()) {
      if (auto region = section->second.find("region"); region != section->second.end() && !region->second.empty()) {
        return {region->second, "profile '" + profile + "' in " + path};
      }
    }
  }
  return {std::nullopt, ""};
}

}  // namespace larder::aws
