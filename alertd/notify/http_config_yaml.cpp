#include "alertd/notify/http_config_yaml.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace twikit::notify {

HttpAuth load_http_config(const yaml::Reader& r, const YAML::Node& h) {
  HttpAuth auth;
  if (h.IsNull()) return auth;
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
  // prometheus/common's checks, in its order and words.
  const bool bearer = h["bearer_token"] || h["bearer_token_file"];
  if (h["bearer_token"] && h["bearer_token_file"]) {
    r.fail(h["bearer_token_file"], "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (h["basic_auth"] && bearer) {
    r.fail(h, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  }
  if (h["authorization"] && bearer) {
    r.fail(h["authorization"], "authorization is not compatible with bearer_token & bearer_token_file");
  }
  if (h["authorization"] && h["basic_auth"]) {
    r.fail(h, "at most one of basic_auth, oauth2 & authorization must be configured");
  }
  if (bearer) {
    auth.scheme = HttpAuth::Scheme::authorization;
    if (h["bearer_token_file"]) {
      auth.credentials = r.secret_file(h["bearer_token_file"], "bearer_token_file");
    } else {
      auth.credentials = r.str(h["bearer_token"]);
      r.check_token(h["bearer_token"], auth.credentials.value, "http_config bearer_token");
    }
    return auth;
  }
  if (const YAML::Node a = h["authorization"]; a.IsDefined() && !a.IsNull()) {
    r.check_keys(a, {"type", "credentials", "credentials_file"}, "authorization");
    auth.scheme = HttpAuth::Scheme::authorization;
    if (a["credentials"] && a["credentials_file"]) {
      r.fail(a["credentials_file"], "at most one of authorization credentials & credentials_file must be configured");
    }
    if (a["type"]) {
      auth.type = r.str(a["type"]);
      auth.type.erase(0, auth.type.find_first_not_of(" \t\r\n"));
      auth.type.erase(auth.type.find_last_not_of(" \t\r\n") + 1);
      if (auth.type.empty()) auth.type = "Bearer";
    }
    std::string lower = auth.type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "basic") r.fail(a["type"], "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    if (a["credentials_file"]) {
      auth.credentials = r.secret_file(a["credentials_file"], "credentials_file");
    } else if (a["credentials"]) {
      auth.credentials = r.str(a["credentials"]);
      r.check_token(a["credentials"], auth.credentials.value, "http_config authorization credentials");
    }
    return auth;
  }
  if (const YAML::Node b = h["basic_auth"]; b.IsDefined() && !b.IsNull()) {
    r.check_keys(b, {"username", "username_file", "password", "password_file"}, "basic_auth");
    auth.scheme = HttpAuth::Scheme::basic;
    if (b["username"] && b["username_file"]) {
      r.fail(b["username_file"], "at most one of basic_auth username & username_file must be configured");
    }
    if (b["password"] && b["password_file"]) {
      r.fail(b["password_file"], "at most one of basic_auth password & password_file must be configured");
    }
    if (b["username_file"]) auth.username = r.secret_file(b["username_file"], "username_file");
    if (b["username"]) auth.username = r.str(b["username"]);
    if (b["password_file"]) auth.password = r.secret_file(b["password_file"], "password_file");
    if (b["password"]) auth.password = r.str(b["password"]);
  }
  return auth;
}

}  // namespace twikit::notify
