// larder: wrapper mode when argv[1] is a compiler (or larder runs through a link named after a
// C compiler), otherwise one of larder's commands.
#include <filesystem>
#include <string>
#include <vector>

#include "cc/cc_call.hpp"
#include "cli/commands.hpp"
#include "wrapper/wrapper.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // A masquerade: a link named cc, gcc, clang++… to larder, for build systems that take one
  // program path.
  if (argc > 0 && larder::cc::is_compiler_name(std::filesystem::path(argv[0]).filename().string())) {
    args.insert(args.begin(), argv[0]);
    larder::wrapper::run(args);
  }
  if (args.empty() || args[0].starts_with("-") || larder::cli::is_larder_command(args[0])) {
    return larder::cli::run(args);
  }
  larder::wrapper::run(args);
}
