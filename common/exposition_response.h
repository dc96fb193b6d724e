#pragma once
// Answering a /metrics request: the format and gzip the client asked for, sent exactly as rendered.

#include <string>

#include <httplib.h>

#include "common/exposition.h"

namespace twikit {

/// Answers with `text` (already rendered in `format`, which came from negotiate_format()), gzip-compressed
/// when the request's Accept-Encoding allows it. The body goes out through a sized content provider: a
/// plain body would be compressed a second time by httplib itself.
void send_exposition(const httplib::Request& req, httplib::Response& res, std::string text, ExpositionFormat format);

}  // namespace twikit
