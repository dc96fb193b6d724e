#pragma once
// --web.config.file in Prometheus exporter-toolkit's format: TLS and basic authentication for every
// HTTP endpoint a binary serves.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <httplib.h>

namespace twikit {

/// tls_server_config: the server's certificate and key (PEM files), and optionally a client CA.
struct TlsServerConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
};

/// The whole web configuration file.
struct WebConfig {
  std::optional<TlsServerConfig> tls;
  /// basic_auth_users: user name → bcrypt hash of the password.
  std::map<std::string, std::string> basic_auth_users;
  /// http_server_config.headers: extra response headers.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Loads `path` (exporter-toolkit format; relative files resolve against its directory); throws
/// ConfigError with file:line:col. An empty path yields the default: plain HTTP, no authentication.
WebConfig load_web_config(const std::string& path);

/// An httplib server for `config`: an SSLServer when TLS is configured (throws std::runtime_error when
/// the certificate or key cannot be loaded), a plain one otherwise.
std::unique_ptr<httplib::Server> make_http_server(const WebConfig& config);

/// Enforces basic authentication (when users are configured) and adds the configured headers on every
/// request of `server`. `config` is copied. Verified credentials are cached, since bcrypt is slow on purpose.
void apply_web_config(httplib::Server& server, const WebConfig& config);

/// Whether `password` matches the bcrypt (or other crypt(3)) `hash`.
bool password_matches(const std::string& hash, const std::string& password);

}  // namespace twikit
