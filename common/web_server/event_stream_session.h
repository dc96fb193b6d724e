#pragma once
// Inside the web server: a Server-Sent Events stream (text/event-stream).

#include <memory>
#include <string>

#include "common/web_server/shared.h"

namespace twikit::web_detail {

/// Takes over `stream`, whose GET request `start.endpoint` accepted as an event stream: writes the response
/// header, then each message the endpoint sends as one event (`data:` lines) through a bounded queue, with a
/// comment line every ping_interval so that a dead peer is found. Runs on the stream's strand. Defined for
/// PlainStream and TlsStream.
template <class Stream>
void start_event_stream_session(SessionStart start, Stream stream);

}  // namespace twikit::web_detail
