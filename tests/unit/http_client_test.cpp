// The generic HTTP client against a scripted server on loopback: retries, backoff, timeouts,
// transport errors as values; and CA discovery.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "net/ca_bundle.hpp"
#include "net/http_client.hpp"

using namespace larder::net;

namespace {

// Answers each accepted connection with the next scripted raw response ("" = close at once).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int connections() const { return connections_; }
  std::string url(const std::string& path = "/x") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  void serve() {
    for (const auto& reply : script_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      connections_++;
      char buffer[65536];
      std::string received;
      while (received.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        received.append(buffer, static_cast<size_t>(n));
      }
      if (reply == "STALL")
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      else if (!reply.empty())
        (void)::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  std::vector<std::string> script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Thing: yes\r\nConnection: close\r\n\r\nhello";
const std::string k503 = "HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const std::string kTruncated = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nhel";

ClientOptions fast_options() {
  ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(500);
  options.stall_timeout = std::chrono::seconds(1);
  options.backoff_base = std::chrono::milliseconds(5);
  options.backoff_max = std::chrono::milliseconds(20);
  return options;
}

}  // namespace

TEST(HttpClient, RetriesServerErrorsThenSucceeds) {
  ScriptedServer server({k503, k503, kOk});
  HttpClient client(fast_options());
  const auto response = client.send(Request("GET", server.url()));
  EXPECT_TRUE(response.transport_ok());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello");
  EXPECT_EQ(response.header("x-thing").value_or(""), "yes");
  EXPECT_EQ(response.attempts, 3);
}

TEST(HttpClient, GivesUpAfterMaxAttemptsWithTheLastResponse) {
  ScriptedServer server({k503, k503, k503});
  HttpClient client(fast_options());
  const auto response = client.send(Request("GET", server.url()));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 3);
}

TEST(HttpClient, TruncatedBodyAndResetAreTransportErrorsThenRetried) {
  ScriptedServer server({kTruncated, "", kOk});
  HttpClient client(fast_options());
  const auto response = client.send(Request("GET", server.url()));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 3);
}

TEST(HttpClient, StallIsCutByTheStallTimeout) {
  ScriptedServer server({"STALL"});
  auto options = fast_options();
  options.max_attempts = 1;
  HttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  const auto response = client.send(Request("GET", server.url()));
  EXPECT_FALSE(response.transport_ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
}

TEST(HttpClient, RefusedConnectionIsAValueNotAnException) {
  int port;
  {
    ScriptedServer server({});
    port = server.port();
  }
  auto options = fast_options();
  options.max_attempts = 2;
  HttpClient client(options);
  const auto response = client.send(Request("GET", "http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_FALSE(response.transport_ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 2);
}

TEST(HttpClient, PrepareRunsBeforeEveryAttemptAndPutSendsTheBody) {
  ScriptedServer server({k503, kOk});
  HttpClient client(fast_options());
  int prepared = 0;
  const std::string body = "payload";
  Request request("PUT", server.url(), body);
  request.prepare = [&](Request& r) {
    prepared++;
    r.headers.emplace_back("X-Attempt", std::to_string(prepared));
  };
  const auto response = client.send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(prepared, 2);
}

TEST(CaBundle, EnvironmentWinsThenDistributionPaths) {
  auto env_of = [](std::map<std::string, std::string> values) {
    return [values](std::string_view name) -> std::optional<std::string> {
      auto it = values.find(std::string(name));
      return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  auto only = [](std::string existing) { return [existing](const std::string& p) { return p == existing; }; };
  auto aws = find_ca_location(env_of({{"AWS_CA_BUNDLE", "/a.pem"}, {"SSL_CERT_FILE", "/b.pem"}}), only(""));
  EXPECT_EQ(aws.file.value_or(""), "/a.pem");
  auto dir = find_ca_location(env_of({{"SSL_CERT_DIR", "/certs"}}), only(""));
  EXPECT_EQ(dir.dir.value_or(""), "/certs");
  EXPECT_FALSE(dir.file);
  auto rhel = find_ca_location(env_of({}), only("/etc/pki/tls/certs/ca-bundle.crt"));
  EXPECT_EQ(rhel.file.value_or(""), "/etc/pki/tls/certs/ca-bundle.crt");
  auto none = find_ca_location(env_of({}), only(""));
  EXPECT_FALSE(none.file);
  EXPECT_FALSE(none.dir);
}
