#include "common/web_config.h"

#include <filesystem>

#include "common/yaml_errors.h"

namespace twikit {
namespace {

std::string resolve(const std::string& base_dir, const std::string& file) {
  if (file.empty() || file.front() == '/') return file;
  return (std::filesystem::path(base_dir) / file).string();
}

}  // namespace

WebConfig load_web_config(const std::string& path) {
  WebConfig config;
  if (path.empty()) return config;
  const YAML::Node root = load_yaml_file(path);
  if (!root || root.IsNull()) return config;
  check_keys(path, root, {"tls_server_config", "http_server_config", "basic_auth_users"});
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (const YAML::Node tls = root["tls_server_config"]) {
    check_keys(path, tls, {"cert_file", "key_file", "client_ca_file", "client_auth_type", "min_version",
                           "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences"});
    TlsServerConfig t;
    if (!tls["cert_file"] || !tls["key_file"]) fail_at(path, tls, "tls_server_config needs cert_file and key_file");
    t.cert_file = resolve(dir, scalar_as<std::string>(path, tls["cert_file"], "a file name"));
    t.key_file = resolve(dir, scalar_as<std::string>(path, tls["key_file"], "a file name"));
    if (tls["client_ca_file"]) t.client_ca_file = resolve(dir, scalar_as<std::string>(path, tls["client_ca_file"], "a file name"));
    config.tls = t;
  }
  if (const YAML::Node http = root["http_server_config"]) {
    check_keys(path, http, {"http2", "headers"});
    if (const YAML::Node headers = http["headers"]) {
      for (const auto& kv : headers) config.headers.emplace_back(kv.first.Scalar(), scalar_as<std::string>(path, kv.second, "a header value"));
    }
  }
  if (const YAML::Node users = root["basic_auth_users"]) {
    if (!users.IsMap()) fail_at(path, users, "basic_auth_users must map user names to bcrypt hashes");
    for (const auto& kv : users) {
      const std::string hash = scalar_as<std::string>(path, kv.second, "a bcrypt hash");
      if (hash.rfind("$2", 0) != 0) fail_at(path, kv.second, "password of user " + kv.first.Scalar() + " is not a bcrypt hash");
      config.basic_auth_users[kv.first.Scalar()] = hash;
    }
  }
  return config;
}

}  // namespace twikit
