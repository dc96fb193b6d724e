#pragma once
// Where the live hub is served: /api/monitoring/ws on a WebServer, and the handshake's checks.

#include <string>

#include "alertd/live/live_hub.h"
#include "common/web_server.h"
#include "common/web_socket.h"

namespace twikit::live {

/// The path of the live WebSocket.
inline constexpr const char* kLiveWebSocketPath = "/api/monitoring/ws";
/// The path of the same messages as Server-Sent Events, for clients that cannot use WebSocket.
inline constexpr const char* kLiveEventStreamPath = "/api/monitoring/events";

/// Decides on one upgrade request for `hub`: 401 without the configured bearer token (header
/// `Authorization: Bearer …` or query `token=`), 400 for a malformed `topics` or `since` query parameter,
/// 503 when max_clients are connected; otherwise the client's endpoint, subscribed as the query asks.
WebSocketAcceptance accept_live_client(LiveHub& hub, const WebRequest& request);

/// Registers the live WebSocket (kLiveWebSocketPath) and event stream (kLiveEventStreamPath) for `hub` on
/// `server`, before server.start(). The hub must outlive the server's run.
void add_live_routes(WebServer& server, LiveHub& hub);

}  // namespace twikit::live
