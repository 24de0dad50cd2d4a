#pragma once
// HTTP backend for WebDAV servers and plain HTTP caches (nginx dav, Apache mod_dav, bazel-remote
// style stores): http(s)://[user:password@]host[:port]/path[?token=…&timeout=…].
// An object is GET, PUT and DELETE at <path>/<prefix><name>. A PUT that fails because a
// collection is missing (409/404) creates the collections with MKCOL and is sent again.
// Built on the shared libcurl client (src/net/): timeouts, retries with backoff, TLS.
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "net/http_client.hpp"
#include "storage/remote/remote_options.hpp"
#include "storage/storage.hpp"

namespace larder::storage {

class HttpStorage : public Storage {
 public:
  // The backend for `url`, or why it cannot be one (several hosts).
  static MadeStorage create(const RemoteUrl& url, const std::filesystem::path& state_dir);

  std::string kind() const override { return "http"; }
  std::string location() const override { return location_; }
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;
  std::vector<DoctorLine> diagnose() override;

 private:
  HttpStorage(RemoteOptions options, ServerHealth health) : options_(std::move(options)), health_(std::move(health)) {}
  net::Response send(const std::string& method, const std::string& url, std::string_view body = {},
                     const net::RetryPredicate& retryable = net::default_retryable);
  // Creates every collection from the base path down to the object's parent.
  Expected<void> make_collections(const std::string& object_path);
  std::string object_path(const std::string& name) const;  // path below the origin, encoded
  std::string explain(const net::Response& response, const std::string& method) const;

  RemoteOptions options_;
  std::unique_ptr<net::HttpClient> client_;
  std::string origin_;         // scheme://host:port
  std::string base_path_;      // "/path/" percent-encoded, with a trailing slash
  std::string authorization_;  // header value, or empty
  std::string auth_kind_;      // for doctor: "basic (user …)", "bearer token", "none"
  ServerHealth health_;
  std::set<std::string> collections_made_;
  std::string location_;
};

}  // namespace larder::storage
