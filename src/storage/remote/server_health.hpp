#pragma once
// Whether a remote server is worth asking. A server that refused, timed out or could not be
// resolved is skipped for the rest of this process, and, through a small marker file in
// LARDER_DIR, by every other wrapper process for kHoldSeconds: cargo starts one larder per
// crate, so without it a silent server would cost one timeout per crate.
#include <filesystem>
#include <optional>
#include <string>

#include "storage/remote/socket_stream.hpp"

namespace larder::storage {

class ServerHealth {
 public:
  static constexpr int kHoldSeconds = 30;

  // `state_dir` empty: no cross-process memory (unit use). `server` names the server, e.g.
  // "redis://host:port"; it is hashed into the marker's file name.
  ServerHealth(const std::filesystem::path& state_dir, const std::string& server);

  // The fault that makes the server unavailable now, if any.
  std::optional<NetError> unavailable();
  // A fault that says the server is down or unresponsive.
  void failed(const NetError& error);
  // The server answered: forget an old marker.
  void answered();
  // Forget everything (larder doctor checks for real).
  void reset();

 private:
  std::filesystem::path marker_;
  std::optional<NetError> down_;
  bool checked_marker_ = false;
  bool marker_present_ = false;
};

}  // namespace larder::storage
