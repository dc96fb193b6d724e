#pragma once
// Inside the web server: a WebSocket connection after the upgrade (RFC 6455).

#include <memory>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/web_server/shared.h"

namespace twikit::web_detail {

/// Turns `stream`, whose `request` is a WebSocket upgrade that `start.endpoint` accepted, into a WebSocket
/// session on the stream's strand (for PlainStream and TlsStream).
template <class Stream>
void start_websocket_session(SessionStart start, Stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> request);

}  // namespace twikit::web_detail
