#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "version.hpp"

namespace larder::cli {

namespace {
constexpr std::array<std::string_view, 7> kCommands = {"stats", "explain",     "doctor", "config",
                                                       "cache", "credentials", "help"};

std::string version_text() {
  return std::string("larder ") + build_info::version + " (commit " + build_info::commit + ", " + build_info::target +
         ", " + build_info::build_type + ")";
}

// CLI11 answers --version and --help by throwing, and in the static binary the first exception
// of a process costs ~7 ms: libgcc sorts every unwind table on first use. These two answers,
// asked by scripts and CI glue on every job, are given without one.
std::optional<int> answer_without_exception(CLI::App& app, const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "-V" || args[0] == "--version")) {
    std::cout << version_text() << '\n';
    return 0;
  }
  if (args.empty() || (args.back() != "--help" && args.back() != "-h")) return std::nullopt;
  CLI::App* command = &app;
  std::string ancestors;  // what CLI11's own help names in its usage line
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    auto named = command->get_subcommands([&](CLI::App* sub) { return sub->get_name() == args[i]; });
    if (named.empty()) return std::nullopt;  // an option or a typo: CLI11 parses it and says so
    if (command != &app) ancestors += (ancestors.empty() ? "" : " ") + command->get_name();
    command = named.front();
  }
  std::cout << command->help(ancestors);
  return 0;
}
}  // namespace

bool is_larder_command(const std::string& word) {
  return std::find(kCommands.begin(), kCommands.end(), word) != kCommands.end();
}

int run(const std::vector<std::string>& args) {
  CLI::App app{
      "larder: a compiler cache for Rust CI.\n"
      "Use it as RUSTC_WRAPPER=larder (cargo then runs `larder rustc ARGS…`), or run a command."};
  app.set_version_flag("-V,--version", version_text());
  app.require_subcommand(0, 1);

  std::string format = "text";
  bool reset = false;
  auto* stats = app.add_subcommand("stats", "show cache statistics");
  stats->add_option("--format", format, "text, json, markdown or openmetrics")
      ->check(CLI::IsMember({"text", "json", "markdown", "openmetrics"}));
  stats->add_flag("--reset", reset, "set every counter to zero");

  std::string explain_crate;
  std::string explain_format = "text";
  auto* explain =
      app.add_subcommand("explain",
                         "why the latest build's calls missed or were not cached, and what to do about it.\n"
                         "The latest build is the most recent cargo invocation that ran larder: wrapper calls are\n"
                         "grouped by the cargo process that ran them. Builds are kept until `larder stats --reset`;\n"
                         "each miss is compared with the crate's earlier records in LARDER_DIR/explain\n"
                         "(docs/explain.md)");
  explain->add_option("crate", explain_crate, "only this crate (its --crate-name, e.g. serde_json)");
  explain->add_option("--format", explain_format, "text or json")->check(CLI::IsMember({"text", "json"}));

  app.add_subcommand("config", "print every effective setting and where it came from");
  app.add_subcommand("doctor", "check that the cache is usable and explain what is not");

  CacheRequest cache_request;
  auto* cache =
      app.add_subcommand("cache", "manage the local cache, and move a CI job's objects to and from remote storage");
  cache
      ->add_option("action", cache_request.action,
                   "trim (enforce LARDER_CACHE_SIZE), clear (remove everything), prefetch (fetch what the "
                   "previous build used from remote storage) or push (upload what LARDER_DEFER_UPLOADS queued)")
      ->required()
      ->check(CLI::IsMember({"trim", "clear", "prefetch", "push"}));
  cache->add_option("--unused-since", cache_request.unused_since,
                    "trim: also remove every object not read or written since TIME (Unix seconds or RFC 3339), "
                    "e.g. the job's start, so that a CI cache keeps only what the job used");
  cache
      ->add_option("--index", cache_request.index_names,
                   "prefetch: the index to read, e.g. repository/job/branch (repeat for fallbacks, tried in order); "
                   "push: the index to write, naming every object used since --since")
      ->allow_extra_args(false);
  cache->add_option("--since", cache_request.since, "push: the job's start (Unix seconds or RFC 3339), for --index");
  cache->add_option("--jobs", cache_request.jobs, "prefetch/push: requests in flight (default 32 / 16)")
      ->check(CLI::Range(1u, 64u));
  CredentialsExport credentials_request;
  auto* credentials = app.add_subcommand("credentials", "AWS credentials as the chain resolves them");
  auto* credentials_export = credentials->add_subcommand(
      "export", "write them to a file or a pipe, e.g. for a docker build secret (never to a terminal unless --stdout)");
  credentials_export->add_option("--format", credentials_request.format, "env, ini or json (credential_process)")
      ->check(CLI::IsMember({"env", "ini", "json"}));
  auto* credentials_output =
      credentials_export->add_option("-o,--output", credentials_request.output, "write them to this file (mode 0600)");
  credentials_export->add_flag("--stdout", credentials_request.to_terminal, "print them even when stdout is a terminal")
      ->excludes(credentials_output);
  credentials->require_subcommand(1);
  app.add_subcommand("help", "show this help");

  if (auto answered = answer_without_exception(app, args)) return *answered;
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  if (app.got_subcommand("stats")) return stats_command(format, reset);
  if (app.got_subcommand("explain")) {
    return explain_command(explain_crate.empty() ? std::nullopt : std::optional<std::string>(explain_crate),
                           explain_format);
  }
  if (app.got_subcommand("config")) return config_command();
  if (app.got_subcommand("doctor")) return doctor_command();
  if (app.got_subcommand("cache")) return cache_command(cache_request);
  if (app.got_subcommand("credentials")) return credentials_command(credentials_request);
  std::cout << app.help();
  return app.got_subcommand("help") ? 0 : 2;
}

}  // namespace larder::cli
