#pragma once
// --web.config.file in Prometheus exporter-toolkit's format: TLS and basic authentication for every
// HTTP endpoint a binary serves.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/basic_auth.h"

namespace twikit {

/// tls_server_config: the server's certificate and key (PEM files), and optionally a client CA (clients must
/// then present a certificate it signed).
struct TlsServerConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
};

/// The whole web configuration file: the settings WebServer applies (see common/web_server.h).
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

}  // namespace twikit
