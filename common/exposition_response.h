#pragma once
// Answering a /metrics request: the format and gzip the client asked for, sent exactly as rendered.

#include <string>

#include "common/exposition.h"
#include "common/web_message.h"

namespace twikit {

/// Answers `req` with `text` (already rendered in `format`, which came from negotiate_format()),
/// gzip-compressed when the request's Accept-Encoding allows it.
void send_exposition(const WebRequest& req, WebResponse& res, std::string text, ExpositionFormat format);

}  // namespace twikit
