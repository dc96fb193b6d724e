#include "sim/http_helpers.h"

#include <nlohmann/json.hpp>

namespace twikit::sim {

std::string listen_address(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void configure_server(httplib::Server& server, std::size_t threads) {
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Idle keep-alive connections and silent clients hold a worker; short timeouts free them (and let
  // stop() return) within about a second.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(2, 0);
  server.set_write_timeout(5, 0);
  server.set_payload_max_length(std::size_t{1} << 20);
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty() && !res.content_provider_) {
      json_error(res, res.status, res.status == 404 ? "not found" : "HTTP error " + std::to_string(res.status));
    }
  });
}

void json_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"status", "error"}, {"error", message}}.dump() + "\n", "application/json");
}

}  // namespace twikit::sim
