// larder: wrapper mode when argv[1] is a compiler, otherwise one of larder's commands.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "wrapper/wrapper.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0].starts_with("-") || larder::cli::is_larder_command(args[0])) {
    return larder::cli::run(args);
  }
  larder::wrapper::run(args);
}
