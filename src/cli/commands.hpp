#pragma once
// larder's own commands (everything but wrapper mode).
#include <optional>
#include <string>
#include <vector>

namespace larder::cli {

// Whether argv[1] names a larder command rather than a compiler.
bool is_larder_command(const std::string& word);

// Parses and runs a larder command; returns the process exit status.
int run(const std::vector<std::string>& args);

int stats_command(const std::string& format, bool reset);
int explain_command(const std::optional<std::string>& crate, const std::string& format);
int config_command();
int doctor_command();
struct CacheRequest {
  std::string action;                       // trim, clear, prefetch or push
  std::optional<std::string> unused_since;  // trim --unused-since TIME
  std::vector<std::string> index_names;     // prefetch/push --index NAME
  std::optional<std::string> since;         // push --since TIME (the job's start)
  unsigned jobs = 0;                        // prefetch/push --jobs N (0: the default)
};
int cache_command(const CacheRequest& request);
struct CredentialsExport {
  std::string format = "env";  // env, ini or json
  std::string output;          // a file to write (mode 0600); "" for stdout
  bool to_terminal = false;    // --stdout: print even when stdout is a terminal
};
int credentials_command(const CredentialsExport& request);

}  // namespace larder::cli
