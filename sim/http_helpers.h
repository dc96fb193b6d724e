#pragma once
// Small HTTP helpers shared by the service servers and the admin API.

#include <cstddef>
#include <string>

#include "common/web_router.h"
#include "common/web_server.h"

namespace twikit::sim {

/// "host:port" for `host` (IPv6 literals in brackets) and `port`, as WebServer::bind wants it.
std::string listen_address(const std::string& host, int port);

/// How every sim server runs: one event-loop thread, `threads` handler threads (each request held by
/// `latency` or `hang` occupies one while it lasts; idle and kept-alive connections occupy none), a short
/// stop grace (held requests are released at stop), and 1 MiB request bodies at most.
WebServerOptions server_options(std::size_t threads);

/// Route options for `methods` with the sim's body cap (1 MiB).
WebRouteOptions route_options(std::vector<std::string> methods);

/// Makes `router` answer its own errors (404, 405, 413, 500) with json_error() bodies.
void use_json_errors(WebRouter& router);

/// Sets `res` to a JSON error body {"status": "error", "error": message} with `status`.
void json_error(WebResponse& res, int status, const std::string& message);

}  // namespace twikit::sim
