#include "common/web_config.h"

#include <crypt.h>

#include <filesystem>

#include "common/yaml_errors.h"

namespace twikit {
namespace {

std::string resolve(const std::string& base_dir, const std::string& file) {
  if (file.empty() || file.front() == '/') return file;
  return (std::filesystem::path(base_dir) / file).string();
}

std::string base64_decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : in) {
    if (c == '=') break;
    const auto pos = chars.find(c);
    if (pos == std::string::npos) return {};
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

// Remembers credentials that already passed bcrypt, keyed by user and password.
class CredentialCache {
 public:
  bool contains(const std::string& key) {
    std::lock_guard lock(mu_);
    return ok_.count(key) > 0;
  }
  void add(const std::string& key) {
    std::lock_guard lock(mu_);
    if (ok_.size() > 1000) ok_.clear();
    ok_.insert(key);
  }

 private:
  std::mutex mu_;
  std::set<std::string> ok_;
};

}  // namespace

bool password_matches(const std::string& hash, const std::string& password) {
  crypt_data data{};
  const char* out = crypt_r(password.c_str(), hash.c_str(), &data);
  return out != nullptr && out[0] != '*' && hash == out;
}

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

std::unique_ptr<httplib::Server> make_http_server(const WebConfig& config) {
  if (!config.tls) return std::make_unique<httplib::Server>();
  const TlsServerConfig& t = *config.tls;
  auto server = std::make_unique<httplib::SSLServer>(
      t.cert_file.c_str(), t.key_file.c_str(), t.client_ca_file.empty() ? nullptr : t.client_ca_file.c_str());
  if (!server->is_valid()) {
    throw std::runtime_error("cannot load TLS certificate " + t.cert_file + " or key " + t.key_file);
  }
  return server;
}

void apply_web_config(httplib::Server& server, const WebConfig& config) {
  if (config.basic_auth_users.empty() && config.headers.empty()) return;
  auto cache = std::make_shared<CredentialCache>();
  server.set_pre_routing_handler([config, cache](const httplib::Request& req, httplib::Response& res) {
    for (const auto& [name, value] : config.headers) res.set_header(name, value);
    if (config.basic_auth_users.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Basic ", 0) == 0) {
      const std::string decoded = base64_decode(auth.substr(6));
      const auto colon = decoded.find(':');
      if (colon != std::string::npos) {
        const std::string user = decoded.substr(0, colon);
        const std::string password = decoded.substr(colon + 1);
        auto it = config.basic_auth_users.find(user);
        const std::string key = user + '\n' + password;
        if (it != config.basic_auth_users.end() &&
            (cache->contains(key) || password_matches(it->second, password))) {
          cache->add(key);
          return httplib::Server::HandlerResponse::Unhandled;
        }
      }
    }
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic");
    res.set_content("Unauthorized\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
}

}  // namespace twikit
