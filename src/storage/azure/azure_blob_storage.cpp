#include "storage/azure/azure_blob_storage.hpp"

#include "net/url.hpp"
#include "storage/azure/shared_key.hpp"
#include "util/strings.hpp"

namespace larder::storage {

namespace {

constexpr const char* kApiVersion = "2021-08-06";

std::map<std::string, std::string> parse_connection_string(const std::string& text) {
  std::map<std::string, std::string> fields;
  for (const auto& part : split(text, ';')) {
    const size_t eq = part.find('=');
    if (eq != std::string::npos) fields[std::string(trim(part.substr(0, eq)))] = std::string(trim(part.substr(eq + 1)));
  }
  return fields;
}

}  // namespace

MadeStorage AzureBlobStorage::create(const RemoteUrl& url, const std::filesystem::path& state_dir,
                                     const EnvLookup& env) {
  WithProblems<StoragePtr> made;
  auto& problems = made.problems;
  std::unique_ptr<AzureBlobStorage> storage(
      new AzureBlobStorage(made.take(read_remote_options(url)), url.hosts.front().host,
                           ServerHealth(state_dir, "azblob://" + url.hosts.front().host)));
  AzureBlobStorage& azure = *storage;
  const std::string& account = azure.account_;
  const std::string path = url.path.empty() ? "" : url.path.substr(1);
  const size_t slash = path.find('/');
  std::string& container = azure.container_;
  container = path.substr(0, slash);
  if (container.empty()) return unexpected("an azblob URL names a container: azblob://ACCOUNT/CONTAINER[/PREFIX]");
  bool valid = container.size() >= 3 && container.size() <= 63 && container.front() != '-';
  for (char c : container) valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!valid) {
    return unexpected("azblob container '" + container +
                      "' is not valid: 3 to 63 lower-case letters, digits and hyphens");
  }
  std::string& prefix = azure.options_.prefix;
  prefix = slash == std::string::npos ? "" : path.substr(slash + 1);
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';

  std::string endpoint = "https://" + account + ".blob.core.windows.net";
  if (auto text = env("AZURE_STORAGE_CONNECTION_STRING"); text && !text->empty()) {
    auto fields = parse_connection_string(*text);
    if (fields.count("AccountName") && fields["AccountName"] != account) {
      problems.push_back("azblob: the connection string is for account '" + fields["AccountName"] + "', not '" +
                         account + "'");
    }
    if (fields.count("BlobEndpoint"))
      endpoint = fields["BlobEndpoint"];
    else if (fields.count("EndpointSuffix"))
      endpoint = fields.count("DefaultEndpointsProtocol") ? fields["DefaultEndpointsProtocol"] : "https";
    if (!fields.count("BlobEndpoint") && fields.count("EndpointSuffix")) {
      endpoint += "://" + account + ".blob." + fields["EndpointSuffix"];
    }
    azure.key_ = fields.count("AccountKey") ? fields["AccountKey"] : "";
    azure.sas_ = fields.count("SharedAccessSignature") ? fields["SharedAccessSignature"] : "";
    azure.credential_source_ = "AZURE_STORAGE_CONNECTION_STRING";
  } else if (auto sas = env("AZURE_STORAGE_SAS_TOKEN"); sas && !sas->empty()) {
    azure.sas_ = *sas;
    azure.credential_source_ = "AZURE_STORAGE_SAS_TOKEN";
  } else if (auto key = env("AZURE_STORAGE_KEY"); key && !key->empty()) {
    azure.key_ = *key;
    azure.credential_source_ = "AZURE_STORAGE_KEY";
  } else {
    azure.credential_source_ = "none (anonymous: reads of a public container only)";
  }
  if (!azure.sas_.empty() && azure.sas_.front() == '?') azure.sas_.erase(0, 1);
  if (auto text = url.attribute("endpoint")) endpoint = *text;
  auto parsed = net::parse_url(endpoint);
  if (!parsed) return unexpected("azblob endpoint '" + endpoint + "' is not an http(s) URL");
  azure.origin_ = parsed->origin();
  azure.endpoint_path_ = parsed->path;
  while (!azure.endpoint_path_.empty() && azure.endpoint_path_.back() == '/') azure.endpoint_path_.pop_back();

  const RemoteOptions& options = azure.options_;
  net::ClientOptions client;
  client.connect_timeout = options.timeouts.connect;
  client.stall_timeout = std::chrono::duration_cast<std::chrono::seconds>(options.timeouts.io);
  if (client.stall_timeout.count() < 1) client.stall_timeout = std::chrono::seconds(1);
  client.total_timeout = options.timeouts.io * 12;
  client.max_attempts = options.retries + 1;
  azure.client_ = std::make_unique<net::HttpClient>(client);

  auto known = remote_option_names();
  known.emplace_back("endpoint");
  for (const auto& name : url.unknown_attributes(known)) problems.push_back("azblob: unknown attribute '" + name + "'");
  azure.location_ = azure.origin_ + azure.endpoint_path_ + "/" + container + "/" + prefix;
  made.value = std::move(storage);
  return made;
}

std::string AzureBlobStorage::blob_path(const std::string& name) const {
  return endpoint_path_ + "/" + container_ + "/" + net::percent_encode(options_.prefix + name, net::Slashes::Keep);
}

net::Response AzureBlobStorage::send(const std::string& method, const std::string& path, const std::string& query,
                                     std::string_view body) {
  net::Response response;
  if (auto down = health_.unavailable()) {
    response.error = down->message;
    return response;
  }
  std::string full_query = query;
  if (!sas_.empty()) full_query += (full_query.empty() ? "" : "&") + sas_;
  net::Request request(method, origin_ + path + (full_query.empty() ? "" : "?" + full_query), body);
  // Signed on every attempt with a fresh date. A SAS in the query authenticates by itself.
  const std::string account = account_, key = sas_.empty() ? key_ : std::string();
  request.prepare = [account, key, path, query, method](net::Request& r) {
    r.headers.emplace_back("x-ms-date", azure::rfc1123_now());
    r.headers.emplace_back("x-ms-version", kApiVersion);
    if (method == "PUT") {
      r.headers.emplace_back("Content-Type", "application/octet-stream");
      if (query.empty()) r.headers.emplace_back("x-ms-blob-type", "BlockBlob");
    }
    if (!key.empty()) {
      if (auto auth = azure::shared_key_authorization(r, account, key, path, query)) {
        r.headers.emplace_back("Authorization", *auth);
      }
    }
  };
  response = client_->send(request);
  if (response.transport_ok())
    health_.answered();
  else
    health_.failed({NetError::Kind::Other, explain(response, method)});
  return response;
}

std::string AzureBlobStorage::explain(const net::Response& response, const std::string& method) const {
  if (!response.transport_ok()) {
    if (response.error.rfind("skipped for", 0) == 0) return response.error;
    if (response.error.find("Couldn't connect") != std::string::npos) {
      return "cannot connect to " + origin_ + " (connection refused or unreachable): " + response.error;
    }
    return response.error;
  }
  std::string text = "HTTP " + std::to_string(response.status) + " on " + method;
  if (auto code = response.header("x-ms-error-code")) text += " (" + *code + ")";
  if (response.status == 403) {
    text += ": authentication failed or not allowed: check " + credential_source_ +
            " (account key or SAS with read/write/create permissions)";
  } else if (response.status == 404 && method == "PUT") {
    text += ": the container does not exist and could not be created";
  }
  return text;
}

GetResult AzureBlobStorage::get(const std::string& name) {
  auto response = send("GET", blob_path(name), "");
  if (response.transport_ok() && response.status == 200) return GetResult::found(std::move(response.body));
  if (response.transport_ok() && response.status == 404) return GetResult::not_found();
  return GetResult::failure(explain(response, "GET"));
}

OpResult AzureBlobStorage::put(const std::string& name, std::string_view blob) {
  const std::string path = blob_path(name);
  auto response = send("PUT", path, "", blob);
  if (response.transport_ok() && response.status == 404 && !container_checked_) {
    container_checked_ = true;
    auto made = send("PUT", endpoint_path_ + "/" + container_, "restype=container");
    if (made.succeeded() || made.status == 409)
      response = send("PUT", path, "", blob);
    else
      return OpResult::failure("cannot create container '" + container_ + "': " + explain(made, "PUT"));
  }
  if (response.succeeded()) return OpResult::success();
  return OpResult::failure(explain(response, "PUT"));
}

OpResult AzureBlobStorage::remove(const std::string& name) {
  auto response = send("DELETE", blob_path(name), "");
  if (response.succeeded() || response.status == 404) return OpResult::success();
  return OpResult::failure(explain(response, "DELETE"));
}

std::vector<DoctorLine> AzureBlobStorage::diagnose() {
  health_.reset();
  return {{"credentials", credential_source_, true, ""}, {"endpoint", origin_ + endpoint_path_, true, ""}};
}

}  // namespace larder::storage
