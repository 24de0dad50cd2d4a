#include "storage/http/http_storage.hpp"

#include "net/url.hpp"
#include "util/base64.hpp"
#include "util/strings.hpp"

namespace larder::storage {

namespace {

// How servers answer a PUT whose parent collection is missing: 409 (RFC 4918), 404, or 500
// (nginx's dav module without create_full_put_path).
bool missing_collection(const net::Response& response) {
  return response.transport_ok() && (response.status == 409 || response.status == 404 || response.status == 500);
}

// The first PUT is not retried on the answers that mean "missing collection".
bool retryable_put(const net::Response& response) {
  return !missing_collection(response) && net::default_retryable(response);
}

}  // namespace

MadeStorage HttpStorage::create(const RemoteUrl& url, const std::filesystem::path& state_dir) {
  WithProblems<StoragePtr> made;
  RemoteOptions options = made.take(read_remote_options(url));
  if (url.hosts.size() != 1) return unexpected("an http URL names one host");
  std::unique_ptr<HttpStorage> storage(
      new HttpStorage(std::move(options), ServerHealth(state_dir, url.scheme + "://" + url.hosts.front().text())));
  HttpStorage& http = *storage;
  // The URL path is where objects go; `prefix` only adds to it.
  http.options_.prefix = url.attribute("prefix").value_or("");
  net::ClientOptions client;
  client.connect_timeout = http.options_.timeouts.connect;
  client.stall_timeout = std::chrono::duration_cast<std::chrono::seconds>(http.options_.timeouts.io);
  if (client.stall_timeout.count() < 1) client.stall_timeout = std::chrono::seconds(1);
  client.total_timeout = http.options_.timeouts.io * 12;  // room for large objects on slow links
  client.max_attempts = http.options_.retries + 1;
  if (auto insecure = url.attribute("insecure")) client.verify_tls = !(insecure->empty() || is_truthy(*insecure));
  http.client_ = std::make_unique<net::HttpClient>(client);

  http.origin_ = url.scheme + "://" + url.hosts.front().text();
  http.base_path_ = net::percent_encode(url.path, net::Slashes::Keep);
  if (http.base_path_.empty() || http.base_path_.back() != '/') http.base_path_ += "/";

  if (auto token = url.attribute("token")) {
    http.authorization_ = "Bearer " + *token;
    http.auth_kind_ = "bearer token";
    if (url.user) made.problems.push_back("http: both user-info and token given; the token is used");
  } else if (url.user) {
    http.authorization_ = "Basic " + base64_encode(*url.user + ":" + url.password.value_or(""));
    http.auth_kind_ = "basic (user '" + *url.user + "')";
  } else {
    http.auth_kind_ = "none";
  }
  auto known = remote_option_names();
  for (const char* name : {"token", "insecure"}) known.emplace_back(name);
  for (const auto& name : url.unknown_attributes(known))
    made.problems.push_back("http: unknown attribute '" + name + "'");
  http.location_ = http.origin_ + http.base_path_ + http.options_.prefix;
  made.value = std::move(storage);
  return made;
}

std::string HttpStorage::object_path(const std::string& name) const {
  return base_path_ + net::percent_encode(options_.prefix + name, net::Slashes::Keep);
}

net::Response HttpStorage::send(const std::string& method, const std::string& url, std::string_view body,
                                const net::RetryPredicate& retryable) {
  net::Response response;
  if (auto down = health_.unavailable()) {
    response.error = down->message;
    return response;
  }
  net::Request request;
  request.method = method;
  request.url = url;
  request.body = body;
  if (!authorization_.empty()) request.headers.emplace_back("Authorization", authorization_);
  if (method == "PUT") request.headers.emplace_back("Content-Type", "application/octet-stream");
  response = client_->send(request, retryable);
  // After its retries, a server that cannot be reached is not asked again by this process.
  if (response.transport_ok())
    health_.answered();
  else
    health_.failed({NetError::Kind::Other, explain(response, method)});
  return response;
}

std::string HttpStorage::explain(const net::Response& response, const std::string& method) const {
  if (!response.transport_ok()) {
    if (response.error.rfind("skipped for", 0) == 0) return response.error;  // explained already
    if (response.error.find("Couldn't connect") != std::string::npos ||
        response.error.find("refused") != std::string::npos) {
      return "cannot connect to " + origin_ +
             " (connection refused or unreachable: is the server running?): " + response.error;
    }
    return response.error;
  }
  std::string code = "HTTP " + std::to_string(response.status) + " on " + method;
  switch (response.status) {
    case 401:
      return code + ": authentication failed: check user:password or the token in the URL";
    case 403:
      return code + ": forbidden: the credentials lack permission for this path" +
             std::string(method == "GET" ? "" : " (or set LARDER_READ_ONLY=1 for read-only access)");
    case 404:
      return code + ": not found: check the URL path" +
             std::string(method == "PUT" ? "; the server may not accept uploads (nginx: dav_methods PUT)" : "");
    case 405:
      return code + ": method not allowed: enable WebDAV " + method +
             " on the server (nginx: dav_methods PUT DELETE MKCOL)";
    case 409:
      return code + ": conflict: a parent collection is missing and could not be created";
    case 413:
      return code + ": object too large for the server (nginx: raise client_max_body_size)";
    case 500:
      return code + ": server error" +
             std::string(method == "PUT" ? " (nginx answers so when a folder is missing and cannot be made)" : "");
    case 507:
      return code + ": the server's storage is full";
    default:
      return code;
  }
}

Expected<void> HttpStorage::make_collections(const std::string& path) {
  // MKCOL each missing level below the base path's first segment: /a/, /a/b/, …
  size_t pos = 1;
  while ((pos = path.find('/', pos)) != std::string::npos) {
    const std::string collection = path.substr(0, pos + 1);
    ++pos;
    if (collections_made_.count(collection)) continue;
    auto response = send("MKCOL", origin_ + collection);
    if (!response.transport_ok()) return unexpected(explain(response, "MKCOL"));
    // 201 made; 405 it exists already (RFC 4918); 301 some servers redirect to the slash form.
    if (response.succeeded() || response.status == 405 || response.status == 301) {
      collections_made_.insert(collection);
      continue;
    }
    return unexpected(explain(response, "MKCOL"));
  }
  return {};
}

GetResult HttpStorage::get(const std::string& name) {
  auto response = send("GET", origin_ + object_path(name));
  if (response.transport_ok() && response.status == 200) return GetResult::found(std::move(response.body));
  if (response.transport_ok() && response.status == 404) return GetResult::not_found();
  return GetResult::failure(explain(response, "GET"));
}

OpResult HttpStorage::put(const std::string& name, std::string_view blob) {
  const std::string path = object_path(name);
  auto response = send("PUT", origin_ + path, blob, retryable_put);
  if (missing_collection(response)) {
    if (auto made = make_collections(path); !made) return OpResult::failure(made.error());
    response = send("PUT", origin_ + path, blob);
  }
  if (response.succeeded()) return OpResult::success();
  return OpResult::failure(explain(response, "PUT"));
}

OpResult HttpStorage::remove(const std::string& name) {
  auto response = send("DELETE", origin_ + object_path(name));
  if (response.succeeded() || response.status == 404) return OpResult::success();
  return OpResult::failure(explain(response, "DELETE"));
}

std::vector<DoctorLine> HttpStorage::diagnose() {
  std::vector<DoctorLine> lines;
  lines.push_back({"authentication", auth_kind_, true, ""});
  health_.reset();
  auto response = send("HEAD", origin_ + base_path_);
  if (!response.transport_ok()) {
    lines.push_back({"connect", explain(response, "HEAD"), false,
                     "start the server or correct the host, port and scheme in LARDER_REMOTE"});
    return lines;
  }
  std::string detail = "HTTP " + std::to_string(response.status) + " on HEAD " + base_path_;
  if (auto server = response.header("server")) detail += " (" + *server + ")";
  const bool auth_failed = response.status == 401 || response.status == 403;
  lines.push_back({"connect", detail, !auth_failed, explain(response, "HEAD")});
  return lines;
}

}  // namespace larder::storage
