#pragma once
// Small HTTP helpers shared by the service servers and the admin API.

#include <cstddef>
#include <string>

#include <httplib.h>

namespace twikit::sim {

/// "host:port" for `host` (IPv6 literals in brackets) and `port`, as HttpServer::bind wants it.
std::string listen_address(const std::string& host, int port);

/// Makes httplib::Server answer with `threads` workers, short timeouts (so shutdown is prompt) and JSON
/// bodies on errors that handlers left empty.
void configure_server(httplib::Server& server, std::size_t threads);

/// Sets `res` to a JSON error body {"status": "error", "error": message} with `status`.
void json_error(httplib::Response& res, int status, const std::string& message);

}  // namespace twikit::sim
