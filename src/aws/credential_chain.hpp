#pragma once
// The AWS SDK credential chain: environment, shared profile files, web identity, container,
// EC2 instance metadata. Temporary credentials are cached in a private runtime folder
// (aws/credential_cache.hpp).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/environment.hpp"

namespace larder::aws {

// Credentials and problems together, not an Expected: the providers that failed before one
// succeeded are still worth a line in doctor and the logs, and no credentials at all is an
// answer too (anonymous access is the caller's choice).
struct ChainResult {
  std::optional<Credentials> credentials;
  // Providers that were configured but failed, in order: for doctor and logs.
  std::vector<std::string> problems;
};

// `cache_folder`: where temporary credentials are kept (nullopt: not kept), see
// credential_cache_folder().
ChainResult resolve_credentials(const Env& env, const std::optional<std::filesystem::path>& cache_folder);

}  // namespace larder::aws
