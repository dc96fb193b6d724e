#pragma once
// Inside the web server: a WebSocket connection after the upgrade (RFC 6455).

#include <memory>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/web_server/shared.h"

namespace twikit::web_detail {

/// Takes over `stream`, whose `request` is a WebSocket upgrade that `start.endpoint` accepted: answers the
/// handshake, then hands the text messages read to the endpoint and writes what it sends through a bounded
/// queue; pings a silent peer and closes it when no pong follows. Runs on the stream's strand. Defined for
/// PlainStream and TlsStream.
template <class Stream>
void start_websocket_session(SessionStart start, Stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> request);

}  // namespace twikit::web_detail
