#pragma once
// Azure Blob backend: azblob://ACCOUNT/CONTAINER[/PREFIX][?endpoint=…&timeout=…].
// Credentials, as the az CLI names them: AZURE_STORAGE_CONNECTION_STRING (AccountKey or
// SharedAccessSignature, BlobEndpoint), else AZURE_STORAGE_SAS_TOKEN, else AZURE_STORAGE_KEY
// (SharedKey signing), else anonymous reads. Objects are block blobs at CONTAINER/PREFIXname;
// a missing container is created on the first write.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "net/http_client.hpp"
#include "storage/remote/remote_options.hpp"
#include "storage/storage.hpp"

namespace larder::storage {

class AzureBlobStorage : public Storage {
 public:
  using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
  // The backend for `url`, or why it cannot be one (no valid container, an endpoint that is not
  // a URL). `env` reads the credential variables.
  static MadeStorage create(const RemoteUrl& url, const std::filesystem::path& state_dir, const EnvLookup& env);

  std::string kind() const override { return "azblob"; }
  std::string location() const override { return location_; }
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;
  std::vector<DoctorLine> diagnose() override;

 private:
  AzureBlobStorage(RemoteOptions options, std::string account, ServerHealth health)
      : options_(std::move(options)), account_(std::move(account)), health_(std::move(health)) {}
  net::Response send(const std::string& method, const std::string& path, const std::string& query,
                     std::string_view body = {});
  std::string blob_path(const std::string& name) const;
  std::string explain(const net::Response& response, const std::string& method) const;

  RemoteOptions options_;
  std::unique_ptr<net::HttpClient> client_;
  std::string account_;
  std::string container_;
  std::string origin_;         // scheme://host[:port]
  std::string endpoint_path_;  // "" or "/devstoreaccount1" (path-style endpoints)
  std::string key_;            // account key (base64), for SharedKey
  std::string sas_;            // SAS token without '?'
  std::string credential_source_;
  ServerHealth health_;
  bool container_checked_ = false;
  std::string location_;
};

}  // namespace larder::storage
