#include "storage/remote/server_health.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "util/hash.hpp"

namespace larder::storage {

namespace fs = std::filesystem;

ServerHealth::ServerHealth(const fs::path& state_dir, const std::string& server) {
  if (!state_dir.empty()) marker_ = state_dir / (sha256_hex(server).substr(0, 24) + ".down");
}

std::optional<NetError> ServerHealth::unavailable() {
  if (down_) return down_;
  if (marker_.empty() || checked_marker_) return std::nullopt;
  checked_marker_ = true;
  std::error_code error;
  const auto written = fs::last_write_time(marker_, error);
  if (error) return std::nullopt;
  marker_present_ = true;
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(fs::file_time_type::clock::now() - written);
  if (age.count() < 0 || age.count() >= kHoldSeconds) return std::nullopt;
  std::ifstream in(marker_);
  std::string reason;
  std::getline(in, reason);
  down_ = NetError{NetError::Kind::Other, "skipped for " + std::to_string(kHoldSeconds - age.count()) +
                                              " s more: " + (reason.empty() ? "the server was unreachable" : reason)};
  return down_;
}

void ServerHealth::failed(const NetError& error) {
  down_ = error;
  if (marker_.empty()) return;
  std::error_code ignored;
  fs::create_directories(marker_.parent_path(), ignored);
  // Written whole to a temp file and renamed: concurrent wrappers never read half a line.
  const fs::path temp = marker_.string() + "." + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << error.message << "\n";
  }
  fs::rename(temp, marker_, ignored);
  if (ignored) fs::remove(temp, ignored);
  marker_present_ = true;
}

void ServerHealth::answered() {
  if (!marker_present_) return;
  std::error_code ignored;
  fs::remove(marker_, ignored);
  marker_present_ = false;
}

void ServerHealth::reset() {
  down_.reset();
  checked_marker_ = true;  // doctor ignores the marker
}

}  // namespace larder::storage
