#pragma once
// Inside the web server: one client connection speaking HTTP/1.1.

#include <string>

#include "common/web_server/shared.h"

namespace twikit::web_detail {

/// Serves `stream` (just accepted, from `peer`): the TLS handshake when it is a TlsStream, then requests one
/// after another (keep-alive) through the router on handler threads, with header, body, idle and write
/// deadlines; a WebSocket upgrade or an event-stream GET of their routes goes to the route's acceptor and
/// then to a session that takes the stream over. Defined for PlainStream and TlsStream.
template <class Stream>
void start_http_connection(Shared& shared, Stream stream, std::string peer);

}  // namespace twikit::web_detail
