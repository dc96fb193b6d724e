#include "sim/http_helpers.h"

#include <nlohmann/json.hpp>

#include "common/json_text.h"

namespace twikit::sim {
namespace {
constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 20;
}  // namespace

std::string listen_address(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

WebServerOptions server_options(std::size_t threads) {
  WebServerOptions options;
  options.io_threads = 1;
  options.handler_threads = threads;
  options.stop_grace = std::chrono::milliseconds(2'000);
  return options;
}

WebRouteOptions route_options(std::vector<std::string> methods) {
  WebRouteOptions options;
  options.methods = std::move(methods);
  options.max_body_bytes = kMaxBodyBytes;
  options.errors = WebErrorFormat::json;
  return options;
}

void use_json_errors(WebRouter& router) {
  router.set_error_writer([](const WebRequest&, int status, WebErrorFormat, const std::string& message) {
    WebResponse res;
    std::string text = message;
    if (text.empty()) text = status == 404 ? "not found" : web_status_message(status);
    json_error(res, status, text);
    return res;
  });
}

void json_error(WebResponse& res, int status, const std::string& message) {
  res.status = status;
  res.set_body(safe_dump(nlohmann::json{{"status", "error"}, {"error", message}}) + "\n", "application/json");
}

}  // namespace twikit::sim
