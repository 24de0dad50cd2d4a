#include <cstdio>
#include <iostream>

#include "cache/job_transfer.hpp"
#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "storage/local/local_storage.hpp"
#include "util/strings.hpp"
#include "util/timestamps.hpp"

namespace larder::cli {

namespace {

std::string describe(const storage::LocalUsage& usage) {
  return std::to_string(usage.files) + " objects (" + format_size(usage.bytes) + ")";
}

std::string describe(const cache::TransferTally& tally) {
  return std::to_string(tally.objects) + " objects (" + format_size(tally.bytes) + ")";
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::optional<int64_t> parse_time_option(const std::string& option, const std::string& value) {
  auto ns = parse_time_ns(value);
  if (!ns) {
    std::cerr << "larder: " << option << " '" << value
              << "': not a time; give Unix seconds (e.g. the output of `date +%s` at the job's start) or an RFC 3339 "
                 "date-time such as 2026-01-31T12:00:00Z\n";
  }
  return ns;
}

// Options that belong to another action are a mistake worth naming, not something to ignore.
bool only_options_of(const CacheRequest& request) {
  auto refuse = [&](bool given, const char* option, const char* actions) {
    if (given)
      std::cerr << "larder: " << option << " applies to `larder cache " << actions << "`, not to `" << request.action
                << "`\n";
    return given;
  };
  const std::string& a = request.action;
  return !(refuse(request.unused_since && a != "trim", "--unused-since", "trim") ||
           refuse(!request.index_names.empty() && a != "prefetch" && a != "push", "--index", "prefetch|push") ||
           refuse(request.since && a != "push", "--since", "push") ||
           refuse(request.jobs != 0 && a != "prefetch" && a != "push", "--jobs", "prefetch|push"));
}

void print_remotes(const std::vector<std::string>& remotes, const std::vector<std::string>& errors) {
  for (const auto& error : errors) std::cout << "  " << error << "\n";
  if (remotes.empty()) {
    std::cout << "  no remote storage is configured (LARDER_BUCKET, LARDER_REMOTE): nothing to do\n";
  }
}

int prefetch_command(const Settings& settings, const CacheRequest& request) {
  if (request.index_names.empty()) {
    std::cerr << "larder: cache prefetch needs --index NAME (the name `larder cache push --index` wrote)\n";
    return 2;
  }
  cache::PrefetchRequest what{request.index_names, request.jobs ? request.jobs : 32};
  const auto report = cache::prefetch(settings, what);
  std::cout << "larder cache prefetch";
  if (report.index_used) {
    std::cout << ": index " << *report.index_used << " lists " << report.listed << " objects; " << report.already_here
              << " already here, fetched " << describe(report.fetched) << " in " << format_seconds(report.seconds);
    if (report.missing) std::cout << ", " << report.missing << " missing from remote storage";
    if (report.damaged) std::cout << ", " << report.damaged << " damaged (not stored)";
    std::cout << "\n";
  } else {
    std::cout << ": no index found";
    for (const auto& name : request.index_names) std::cout << " '" << name << "'";
    std::cout << (report.remotes.empty() ? "\n" : "; the build runs without a prefetch\n");
  }
  print_remotes(report.remotes, report.errors);
  return 0;  // a cache problem never fails a job: the build just misses
}

int push_command(const Settings& settings, const CacheRequest& request) {
  if (request.index_names.size() > 1) {
    std::cerr << "larder: cache push writes one index: give --index once\n";
    return 2;
  }
  cache::PushRequest what;
  what.jobs = request.jobs ? request.jobs : 16;
  if (!request.index_names.empty()) {
    if (!request.since) {
      std::cerr
          << "larder: cache push --index needs --since TIME (the job's start): the index lists what was used since\n";
      return 2;
    }
    what.index_name = request.index_names.front();
  }
  if (request.since) {
    what.used_since_ns = parse_time_option("--since", *request.since);
    if (!what.used_since_ns) return 2;
    if (!what.index_name) {
      std::cerr << "larder: cache push --since is only used with --index NAME\n";
      return 2;
    }
  }
  const auto report = cache::push(settings, what);
  std::cout << "larder cache push";
  if (report.read_only) {
    std::cout << ": LARDER_READ_ONLY is set: nothing uploaded\n";
  } else if (!report.remotes.empty()) {
    std::cout << ": " << report.queued << " queued, uploaded " << describe(report.uploaded) << " in "
              << format_seconds(report.seconds);
    if (report.failed) std::cout << ", " << report.failed << " failed (queued again for the next push)";
    if (report.damaged) std::cout << ", " << report.damaged << " damaged in the local cache (dropped)";
    if (report.index_objects)
      std::cout << "; index " << *what.index_name << " names " << *report.index_objects << " objects";
    std::cout << "\n";
  } else {
    std::cout << ":\n";
  }
  print_remotes(report.remotes, report.errors);
  return 0;  // a cache problem never fails a job: the next job just misses
}

}  // namespace

int cache_command(const CacheRequest& request) {
  if (!only_options_of(request)) return 2;
  const Settings settings = Settings::load();
  if (request.action == "prefetch") return prefetch_command(settings, request);
  if (request.action == "push") return push_command(settings, request);
  storage::LocalStorage local(settings.cache_dir(), settings.cache_size_bytes());
  if (request.action == "clear") {
    local.clear();
    std::cout << "local cache cleared: " << settings.cache_dir().string() << "\n";
    return 0;
  }
  std::optional<int64_t> since_ns;
  if (request.unused_since) {
    since_ns = parse_time_option("--unused-since", *request.unused_since);
    if (!since_ns) return 2;
  }
  const auto report = local.trim(since_ns);
  std::cout << "local cache " << settings.cache_dir().string() << ": removed " << describe(report.removed)
            << (since_ns ? " unused since " + *request.unused_since + " or over the limit" : " over the limit")
            << ", kept " << describe(report.kept) << " of " << format_size(settings.cache_size_bytes()) << "\n";
  return 0;
}

}  // namespace larder::cli
