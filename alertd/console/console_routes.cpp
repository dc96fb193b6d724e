#include "alertd/console/console_routes.h"

#include <algorithm>
#include <memory>

namespace twikit::console {
namespace {

constexpr std::string_view kPrefix = "/console/";

bool ends_with(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

/// Whether `host` is only host[:port] characters, so that it can go into a header as it is.
bool plain_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '[' || c == ']';
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Whether an If-None-Match header value names `etag` (weak comparison, as RFC 9110 asks for GET).
bool none_match(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

void serve(const WebRequest& req, WebResponse& res, const EmbeddedAsset& asset) {
  res.headers.set("Cache-Control", "no-cache");
  res.headers.set("ETag", asset.etag);
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Referrer-Policy", "no-referrer");
  const std::string_view type = content_type_for(asset.path);
  if (type.starts_with("text/html")) {
    res.headers.set("Content-Security-Policy", content_security_policy(req.headers.get("Host")));
    res.headers.set("X-Frame-Options", "DENY");
  }
  if (none_match(req.headers.get("If-None-Match"), asset.etag)) {
    res.status = 304;
    return;
  }
  // The bytes live as long as the program: the body views them without a copy.
  const std::shared_ptr<const void> owner(asset.data, [](const void*) {});
  res.set_body_parts(owner, {std::string_view(reinterpret_cast<const char*>(asset.data), asset.size)}, std::string(type));
}

}  // namespace

std::string_view content_type_for(std::string_view path) {
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".js")) return "text/javascript; charset=utf-8";
  if (ends_with(path, ".svg")) return "image/svg+xml";
  if (ends_with(path, ".png")) return "image/png";
  if (ends_with(path, ".json")) return "application/json";
  return "application/octet-stream";
}

std::string content_security_policy(std::string_view host) {
  std::string connect = "'self'";
  // 'self' covers ws: and wss: of the same host in CSP 3; older browsers need them named.
  if (plain_host(host)) {
    connect += " ws://";
    connect += host;
    connect += " wss://";
    connect += host;
  }
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

const EmbeddedAsset* find_asset(std::string_view path) {
  for (const auto& a : embedded_assets()) {
    if (path == a.path) return &a;
  }
  return nullptr;
}

void add_console_routes(WebRouter& router, std::function<bool()> token_required) {
  WebRouteOptions options;
  options.methods = {"GET"};
  options.max_body_bytes = 0;
  router.add(
      "/",
      [](const WebRequest& req, WebResponse& res) {
        const EmbeddedAsset* index = find_asset("index.html");
        if (index == nullptr) {
          res.status = 404;
          res.set_body("the console is not built into this alertd\n", "text/plain; charset=utf-8");
          return;
        }
        serve(req, res, *index);
      },
      options);
  router.add(
      std::string(kPrefix) + "settings.json",
      [token_required = std::move(token_required)](const WebRequest&, WebResponse& res) {
        res.headers.set("Cache-Control", "no-store");
        res.headers.set("X-Content-Type-Options", "nosniff");
        res.set_body(token_required && token_required() ? R"({"tokenRequired":true})" : R"({"tokenRequired":false})",
                     "application/json");
      },
      options);
  router.add_prefix(
      std::string(kPrefix),
      [](const WebRequest& req, WebResponse& res) {
        const EmbeddedAsset* asset = find_asset(std::string_view(req.path).substr(kPrefix.size()));
        if (asset == nullptr) {
          res.status = 404;
          res.set_body("not found\n", "text/plain; charset=utf-8");
          return;
        }
        serve(req, res, *asset);
      },
      options);
}

}  // namespace twikit::console
