#include "alertd/notify/http_config_yaml.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/base64.h"

namespace twikit::notify {

std::string load_http_config(const yaml::Reader& r, const YAML::Node& h) {
  if (h.IsNull()) return {};
  if (!h.IsMap()) r.fail(h, "http_config must be a mapping");
  static const std::set<std::string> unsupported = {"oauth2", "tls_config", "proxy_url", "no_proxy",
                                                    "proxy_from_environment", "proxy_connect_header",
                                                    "follow_redirects", "enable_http2"};
  for (const auto& kv : h) {
    const std::string key = r.str(kv.first);
    if (unsupported.count(key)) {
      r.fail(kv.first, "http_config: " + key + " is not supported by alertd (remove it, or send through an "
                        "Alertmanager with alertmanager_configs)");
    }
  }
  r.check_keys(h, {"authorization", "basic_auth", "bearer_token", "bearer_token_file"}, "http_config");
  const int schemes = (h["authorization"] ? 1 : 0) + (h["basic_auth"] ? 1 : 0) +
                      ((h["bearer_token"] || h["bearer_token_file"]) ? 1 : 0);
  if (schemes > 1) {
    r.fail(h, "http_config: at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured");
  }
  if (h["bearer_token"] && h["bearer_token_file"]) {
    r.fail(h["bearer_token_file"], "http_config: at most one of bearer_token & bearer_token_file must be configured");
  }
  if (h["bearer_token"] || h["bearer_token_file"]) {
    const bool file = static_cast<bool>(h["bearer_token_file"]);
    const YAML::Node node = file ? h["bearer_token_file"] : h["bearer_token"];
    const std::string token = file ? r.read_secret_file(node, "bearer_token_file") : r.str(node);
    r.check_token(node, token, file ? "http_config bearer_token_file" : "http_config bearer_token");
    return "Bearer " + token;
  }
  if (const YAML::Node auth = h["authorization"]; auth.IsDefined() && !auth.IsNull()) {
    r.check_keys(auth, {"type", "credentials", "credentials_file"}, "authorization");
    std::string type = auth["type"] ? r.str(auth["type"]) : "Bearer";
    std::string lower = type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "basic") r.fail(auth["type"], "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    if (auth["credentials"] && auth["credentials_file"]) {
      r.fail(auth["credentials_file"], "at most one of authorization credentials & credentials_file must be configured");
    }
    std::string credentials;
    if (auth["credentials_file"]) {
      credentials = r.read_secret_file(auth["credentials_file"], "credentials_file");
      r.check_token(auth["credentials_file"], credentials, "http_config authorization credentials_file");
    } else if (auth["credentials"]) {
      credentials = r.str(auth["credentials"]);
      r.check_token(auth["credentials"], credentials, "http_config authorization credentials");
    }
    return credentials.empty() ? std::string() : type + " " + credentials;
  }
  if (const YAML::Node basic = h["basic_auth"]; basic.IsDefined() && !basic.IsNull()) {
    r.check_keys(basic, {"username", "username_file", "password", "password_file"}, "basic_auth");
    if (basic["username"] && basic["username_file"]) {
      r.fail(basic["username_file"], "at most one of basic_auth username & username_file must be configured");
    }
    if (basic["password"] && basic["password_file"]) {
      r.fail(basic["password_file"], "at most one of basic_auth password & password_file must be configured");
    }
    const std::string user = basic["username_file"] ? r.read_secret_file(basic["username_file"], "username_file")
                                                    : (basic["username"] ? r.str(basic["username"]) : "");
    const std::string password = basic["password_file"] ? r.read_secret_file(basic["password_file"], "password_file")
                                                        : (basic["password"] ? r.str(basic["password"]) : "");
    return "Basic " + base64_encode(user + ":" + password);
  }
  return {};
}

}  // namespace twikit::notify
