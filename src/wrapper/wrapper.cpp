#include "wrapper/wrapper.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cache/stats.hpp"
#include "cc/arguments.hpp"
#include "cc/cc_call.hpp"
#include "compiler/tool_identity.hpp"
#include "config/settings.hpp"
#include "explain/build_log.hpp"
#include "explain/call_recorder.hpp"
#include "rustc/arguments.hpp"
#include "rustc/compilation.hpp"
#include "rustc/rustc_call.hpp"
#include "util/logging.hpp"
#include "util/process.hpp"
#include "wrapper/compile_flow.hpp"

namespace larder::wrapper {

namespace fs = std::filesystem;

namespace {

// One call's statistics, recorded once, whichever way the call ends.
class CallStats {
 public:
  CallStats(const Settings& settings, compiler::Language language) : settings_(settings), language_(language) {
    counters.compile_requests = 1;
  }
  void record() {
    counters.count_by_language(std::string(compiler::language_name(language_)));
    cache::StatsStore(settings_.cache_dir() / "stats").record(counters);
  }
  cache::StatsCounters counters;

 private:
  const Settings& settings_;
  compiler::Language language_;
};

[[noreturn]] void exec_or_exit(const std::vector<std::string>& command) {
  exec_replace(command);
  std::fprintf(stderr, "larder: cannot run %s: %s\n", command[0].c_str(), std::strerror(errno));
  std::exit(127);
}

[[noreturn]] void pass_through(const std::vector<std::string>& command, CallStats& stats) {
  stats.record();
  exec_or_exit(command);
}

// A call larder cannot cache: counted by its reason in the stats and the build log, then run.
[[noreturn]] void pass_through_not_cached(const std::vector<std::string>& command, const Settings& settings,
                                          CallStats& stats, compiler::Language language, const std::string& label,
                                          const std::string& reason) {
  spdlog::debug("{}: not cached: {}", label, reason);
  stats.counters.not_cached[reason]++;
  explain::CallRecorder(settings.cache_dir(), std::string(compiler::language_name(language))).not_cached(label, reason);
  pass_through(command, stats);
}

[[noreturn]] void run_cached(const Settings& settings, compiler::Call& call, const fs::path& cwd, CallStats& stats) {
  const ProcessResult result = run_cached_call(settings, call, cwd, stats.counters);
  stats.record();
  exit_like(result);
}

// A workspace wrapper other than clippy-driver is cached only when it answers --version: its
// identity then joins the key.
bool fingerprintable(const std::string& wrapper, const Settings& settings) {
  const auto identity = compiler::identify_tool(wrapper, {"--version"}, settings.cache_dir() / "memo" / "tools");
  if (!identity) spdlog::info("workspace wrapper {} cannot be fingerprinted: {}", wrapper, identity.error());
  return identity.has_value();
}

[[noreturn]] void run_rustc(const std::vector<std::string>& command, const Settings& settings) {
  CallStats stats(settings, compiler::Language::Rust);
  rustc::Invocation invocation = rustc::split_invocation(command);
  const auto expanded = rustc::expand_argfiles(invocation.args);
  if (!expanded) {
    spdlog::warn("{}; passing the call to rustc uncached", expanded.error());
    pass_through_not_cached(command, settings, stats, compiler::Language::Rust, "rustc",
                            rustc::NotCachedReason{rustc::Reason::Argfile, ""}.word());
  }
  rustc::ParsedArguments args = rustc::parse_arguments(*expanded);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  rustc::AnalysisOptions options;
  options.cache_linked = settings.flag("LARDER_CACHE_LINKED");
  rustc::Compilation compilation = rustc::analyze(args, cwd, options);
  if (compilation.kind == rustc::CallKind::NotCompilation) {
    stats.counters.not_compilation++;
    pass_through(command, stats);
  }
  // Only now: cargo does not show what its probes (-vV, --print) write to stderr.
  for (const auto& problem : settings.problems()) {
    warn_once(warning_markers(settings), explain::current_build_id(), problem);
  }
  const std::string crate = args.crate_name.empty() ? "rustc" : args.crate_name;
  if (compilation.kind == rustc::CallKind::NotCacheable) {
    if (args.unknown_option) spdlog::debug("{}: unknown option {}", crate, args.unknown_option_name);
    pass_through_not_cached(command, settings, stats, compiler::Language::Rust, crate, compilation.reason->word());
  }
  if (invocation.workspace_wrapper && !invocation.is_clippy() &&
      !fingerprintable(*invocation.workspace_wrapper, settings)) {
    const rustc::NotCachedReason reason{rustc::Reason::WorkspaceWrapper,
                                        fs::path(*invocation.workspace_wrapper).filename().string()};
    pass_through_not_cached(command, settings, stats, compiler::Language::Rust, crate, reason.word());
  }
  rustc::RustcCall call(std::move(invocation), std::move(args), std::move(compilation), cwd);
  run_cached(settings, call, cwd, stats);
}

// `larder cc ARGS`, `larder /usr/bin/gcc ARGS` (a launcher), or larder through a link named cc.
[[noreturn]] void run_cc(const std::vector<std::string>& command, const Settings& settings) {
  const std::string compiler = cc::find_real_compiler(command[0]);
  if (compiler.empty()) {
    std::fprintf(stderr, "larder: cannot find the compiler %s in PATH (other than larder itself)\n",
                 command[0].c_str());
    std::exit(127);
  }
  std::vector<std::string> argv{compiler};
  argv.insert(argv.end(), command.begin() + 1, command.end());
  const std::vector<std::string> args(command.begin() + 1, command.end());
  cc::ParsedCall parsed = cc::classify(args);
  if (settings.flag("LARDER_DISABLE")) exec_or_exit(argv);
  const compiler::Language language = cc::family_language(parsed.language);
  CallStats stats(settings, language);
  if (parsed.not_compilation) {
    stats.counters.not_compilation++;
    pass_through(argv, stats);
  }
  const std::string label =
      parsed.source.empty() ? fs::path(command[0]).filename().string() : cc::source_label(parsed.source);
  if (parsed.reason) pass_through_not_cached(argv, settings, stats, language, label, parsed.reason->word());
  if (auto reason = cc::environment_reason())
    pass_through_not_cached(argv, settings, stats, language, label, reason->word());
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  cc::CcCall call(compiler, args, std::move(parsed), cwd);
  run_cached(settings, call, cwd, stats);
}

}  // namespace

void run(const std::vector<std::string>& command) {
  const Settings settings = Settings::load();
  init_logging(settings.get("LARDER_LOG"), settings.get("LARDER_LOG_FILE"), warning_markers(settings),
               explain::current_build_id());
  if (cc::is_compiler_name(fs::path(command[0]).filename().string())) {
    run_cc(command, settings);
  }
  if (settings.flag("LARDER_DISABLE")) exec_or_exit(command);
  run_rustc(command, settings);
}

}  // namespace larder::wrapper
