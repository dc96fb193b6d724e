#pragma once
// Inside the web server: a Server-Sent Events stream (text/event-stream).

#include <memory>
#include <string>

#include "common/web_server/shared.h"

namespace twikit::web_detail {

/// Turns `stream`, whose GET request `start.endpoint` accepted as an event stream, into a Server-Sent Events
/// session on the stream's strand (for PlainStream and TlsStream).
template <class Stream>
void start_event_stream_session(SessionStart start, Stream stream);

}  // namespace twikit::web_detail
