#include "util/logging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>

#include "util/hash.hpp"
#include "util/strings.hpp"

namespace larder {

namespace fs = std::filesystem;

namespace {

// Markers older than this belong to finished builds.
constexpr auto kMarkerLifetime = std::chrono::hours(24);

void remove_old_markers(const fs::path& marker_dir) {
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (auto it = fs::directory_iterator(marker_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    const auto written = it->last_write_time(entry_ec);
    if (!entry_ec && now - written > kMarkerLifetime) fs::remove(it->path(), entry_ec);
  }
}

// Whether this process is the first of its build to report `message`.
bool first_to_report(const fs::path& marker_dir, std::string_view build_id, const std::string& message) {
  if (build_id.empty()) return true;
  const fs::path marker = marker_dir / sha256_hex(std::string(build_id) + "\n" + message).substr(0, 32);
  // O_EXCL also refuses an existing symlink or FIFO without opening it.
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(marker_dir, ec);
    fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  }
  if (fd < 0) return errno != EEXIST;
  ::close(fd);
  remove_old_markers(marker_dir);
  return true;
}

constexpr const char* kFilePattern = "[%Y-%m-%d %H:%M:%S.%e] [%P] [%l] %v";
constexpr const char* kStderrPattern = "larder: %l: %v";

// Why `file` cannot be opened for appending (creating its folder), or "" when it can. Checked
// before spdlog, which retries a failing open for 50 ms: too long for every wrapper call.
std::string open_problem(const std::string& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(fs::path(file).parent_path(), ec);
    fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  }
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  return "";
}

// A file sink that never drops a message: when the file cannot be opened, or a write to it
// fails (a full disk, a read-only file system), it reports that once and writes to stderr.

class FileOrStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  FileOrStderrSink(const std::string& file, std::function<void(const std::string&)> report)
      : file_(file), report_(std::move(report)) {
    stderr_sink_->set_pattern(kStderrPattern);
    // A failure is reported with the first message: a process that logs nothing (one of
    // cargo's probes, whose stderr cargo hides) must not use up the build's one report.
    open_error_ = open_problem(file);
    if (!open_error_.empty()) return;
    try {
      file_sink_ = std::make_shared<spdlog::sinks::basic_file_sink_st>(file);
      file_sink_->set_pattern(kFilePattern);
    } catch (const spdlog::spdlog_ex& error) {
      open_error_ = error.what();
    }
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!open_error_.empty()) {
      fall_back(open_error_);
      open_error_.clear();
    }
    if (file_sink_) {
      try {
        file_sink_->log(msg);
        file_sink_->flush();
        return;
      } catch (const spdlog::spdlog_ex& error) {
        fall_back(error.what());
      }
    }
    stderr_sink_->log(msg);
  }
  void flush_() override {
    if (file_sink_) {
      try {
        file_sink_->flush();
      } catch (const spdlog::spdlog_ex& error) {
        fall_back(error.what());
      }
    }
  }

 private:
  void fall_back(const std::string& why) {
    file_sink_.reset();
    report_("cannot write the log file " + file_ + " (LARDER_LOG_FILE): " + why +
            "; logging to stderr instead. Set LARDER_LOG_FILE to a writable file, or unset it");
  }

  std::string file_;
  std::string open_error_;
  std::function<void(const std::string&)> report_;
  std::shared_ptr<spdlog::sinks::basic_file_sink_st> file_sink_;
  std::shared_ptr<spdlog::sinks::stderr_sink_st> stderr_sink_ = std::make_shared<spdlog::sinks::stderr_sink_st>();
};

}  // namespace

void init_logging(const std::optional<std::string>& level, const std::optional<std::string>& file,
                  const fs::path& marker_dir, std::string_view build_id) {
  spdlog::level::level_enum parsed = spdlog::level::warn;
  if (level && !level->empty()) {
    const std::string name = to_lower(trim(*level));
    parsed = name == "warning" ? spdlog::level::warn : spdlog::level::from_str(name);
    // from_str answers "off" for anything it does not know.
    if (parsed == spdlog::level::off && name != "off") parsed = spdlog::level::warn;
  }
  std::shared_ptr<spdlog::logger> logger;
  if (file && !file->empty()) {
    // The report goes straight to stderr: the logger it would use is the one failing.
    const std::string marker_folder = marker_dir.string();
    const std::string build(build_id);
    auto sink = std::make_shared<FileOrStderrSink>(*file, [marker_folder, build](const std::string& message) {
      if (first_to_report(marker_folder, build, message))
        std::fprintf(stderr, "larder: warning: %s\n", message.c_str());
    });
    // The sink formats each line for where it goes: no logger->set_pattern().
    logger = std::make_shared<spdlog::logger>("larder", sink);
  } else {
    logger = spdlog::stderr_logger_mt("larder-stderr");
    logger->set_pattern(kStderrPattern);
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void warn_once(const fs::path& marker_dir, std::string_view build_id, const std::string& message) {
  if (first_to_report(marker_dir, build_id, message)) {
    spdlog::warn("{}", message);
  } else {
    spdlog::debug("{} (reported once per build)", message);
  }
}

}  // namespace larder
