#pragma once
// Which handler answers a request: exact paths and prefixes, the methods each allows, and its body limit.
// Free of any server library; the web server asks it twice per request (header read, then body read).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/web_message.h"

namespace twikit {

/// How error bodies are written: Go's plain text ("404 page not found\n"), or Prometheus' API shape
/// ({"status":"error","errorType":"not_found","error":"..."}).
enum class WebErrorFormat { plain, json };

/// Answers one request; runs on a handler thread and may block (a scrape waiting for a collection).
using WebHandler = std::function<void(const WebRequest&, WebResponse&)>;

/// What a route accepts.
struct WebRouteOptions {
  /// Methods the handler answers; GET implies HEAD, answered as GET without the body.
  std::vector<std::string> methods{"GET"};
  /// The largest request body read; a larger one is refused with 413 before it is read.
  std::size_t max_body_bytes = 64 * 1024;
  /// The format of this route's error responses (405, 413, 500).
  WebErrorFormat errors = WebErrorFormat::plain;
};

/// What the server needs to know about a request once its header is in and the router let it through.
struct WebAdmission {
  std::size_t max_body_bytes = 0;
  WebErrorFormat errors = WebErrorFormat::plain;
};

/// An error response with the standard message for `status` (or `message` when given) in `format`.
WebResponse web_error(int status, WebErrorFormat format, const std::string& message = {});

/// Routes requests to handlers. Routes are added before the server starts; afterwards the router is only
/// read, from many threads at once.
class WebRouter {
 public:
  /// A router whose 404 answers are in `not_found_format`.
  explicit WebRouter(WebErrorFormat not_found_format = WebErrorFormat::plain) : not_found_format_(not_found_format) {}

  /// Answers requests for exactly `path`.
  void add(std::string path, WebHandler handler, WebRouteOptions options = {});
  /// Answers requests for every path that starts with `prefix` (the longest matching prefix wins; exact
  /// paths win over prefixes).
  void add_prefix(std::string prefix, WebHandler handler, WebRouteOptions options = {});

  /// Checks a request whose header has arrived, its body not yet read (`content_length` is nullopt for a
  /// chunked body): the route's limits when it may go on, or the response to send at once: 404, 405 with
  /// `Allow`, or 413 when the declared body is larger than the route accepts.
  std::variant<WebAdmission, WebResponse> admit(const WebRequest& head, std::optional<std::uint64_t> content_length) const;

  /// Answers a request whose body has been read: the route's handler (HEAD as GET, body dropped but its
  /// Content-Length kept), or 404/405; a handler that throws gives 500.
  WebResponse handle(const WebRequest& request) const;

 private:
  struct Route {
    std::string path;
    bool prefix = false;
    WebHandler handler;
    WebRouteOptions options;
  };
  const Route* find(const std::string& path) const;
  static bool allows(const Route& route, const std::string& method);
  static std::string allow_header(const Route& route);

  WebErrorFormat not_found_format_;
  std::vector<Route> routes_;
};

}  // namespace twikit
