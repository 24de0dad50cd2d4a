#pragma once
// Running child processes: exec in place, run with captured output, run with output teed.
#include <string>
#include <vector>

namespace larder {

struct ProcessResult {
  bool started = false;  // false: the program could not be run at all (see `error`)
  int exit_code = 0;     // valid when !signaled
  int signal = 0;        // the terminating signal, when signaled
  bool signaled = false;
  std::string out;
  std::string err;
  std::string error;
};

// Replaces this process with `argv` (PATH lookup when argv[0] has no slash). Returns only on
// failure, with errno set.
void exec_replace(const std::vector<std::string>& argv);

// What run_process does with the child's stdout and stderr: capture them, or capture them and
// also pass them through to this process's stdout and stderr as they arrive, so a long compile
// still shows its diagnostics live.
enum class ProcessOutput { Capture, CaptureAndEcho };

// Runs `argv`, capturing stdout and stderr. Inherits every non-CLOEXEC descriptor (cargo's
// jobserver pipes).
ProcessResult run_process(const std::vector<std::string>& argv, ProcessOutput output);
// The status this process should exit with to reproduce `result` for its parent; a child
// killed by a signal is reproduced by raising that signal.
[[noreturn]] void exit_like(const ProcessResult& result);

// Resolves a program name through PATH the way execvp would; empty when not found.
std::string find_in_path(const std::string& program);

}  // namespace larder
