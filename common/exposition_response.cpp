#include "common/exposition_response.h"

#include <utility>

namespace twikit {

void send_exposition(const WebRequest& req, WebResponse& res, std::string text, ExpositionFormat format) {
  if (accepts_gzip(req.headers.get("Accept-Encoding"))) {
    text = gzip_compress(text);
    res.headers.set("Content-Encoding", "gzip");
  }
  res.set_body(std::move(text), content_type(format));
}

}  // namespace twikit
