#include "common/exposition_response.h"

#include <algorithm>
#include <memory>

namespace twikit {

void send_exposition(const httplib::Request& req, httplib::Response& res, std::string text, ExpositionFormat format) {
  if (accepts_gzip(req.get_header_value("Accept-Encoding"))) {
    text = gzip_compress(text);
    res.set_header("Content-Encoding", "gzip");
  }
  auto body = std::make_shared<const std::string>(std::move(text));
  res.set_content_provider(body->size(), content_type(format),
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, std::min(length, body->size() - offset));
                           });
}

}  // namespace twikit
