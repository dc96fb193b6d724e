#pragma once
// Which handler answers a request: exact paths and prefixes, the methods each allows, and its body limit.
// Free of any server library; the web server asks it twice per request (header read, then body read).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
  /// For a prefix route whose paths accept different methods (`/alerts/:id` GET, `/alerts/:id/ack` POST):
  /// the methods `path` accepts, which the router allows and names in a 405's `Allow`; an empty list leaves
  /// the path to the handler, which answers its own 404. Unset: every path accepts `methods`.
  std::function<std::vector<std::string>(std::string_view path)> path_methods{};
};

/// What the server needs to know about a request once its header is in and the router let it through.
struct WebAdmission {
  std::size_t max_body_bytes = 0;
  WebErrorFormat errors = WebErrorFormat::plain;
};

/// An error response with the standard message for `status` (or `message` when given) in `format`.
WebResponse web_error(int status, WebErrorFormat format, const std::string& message = {});

/// The message of a 413: "request body larger than `limit` bytes".
std::string body_too_large_message(std::size_t limit);

/// The standard message for `status` (Go's net/http wording where it has one), e.g. "Method Not Allowed".
std::string web_status_message(int status);

/// Looks at a request whose header has arrived (its route found, its method allowed, its body not yet read)
/// and returns the answer to send instead of going on (a 401 for a missing token, say), or nullopt.
using WebGuard = std::function<std::optional<WebResponse>(const WebRequest& head, WebErrorFormat format)>;

/// Writes an error the router answers itself (404, 405, 413, 500) for `request`; `message` is empty for the
/// standard text of `status`. The router adds `Allow` to a 405 afterwards.
using WebErrorWriter =
    std::function<WebResponse(const WebRequest& request, int status, WebErrorFormat format, const std::string& message)>;

/// Answers a request whose handler threw `what` (a bug): by default a 500 carrying `what`.
using WebExceptionHandler =
    std::function<WebResponse(const WebRequest& request, WebErrorFormat format, const std::string& what)>;

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
  /// Runs `guard` in admit() on every routed request with an allowed method, before its body limit is
  /// checked and its body read: an unauthenticated 500 MB POST is answered after its header.
  void set_guard(WebGuard guard) { guard_ = std::move(guard); }
  /// Writes the router's own error answers with `writer` instead of web_error().
  void set_error_writer(WebErrorWriter writer) { error_writer_ = std::move(writer); }
  /// Answers requests whose handler throws with `handler` instead of a 500 carrying the exception's text.
  void set_exception_handler(WebExceptionHandler handler) { exception_handler_ = std::move(handler); }

  /// Checks a request whose header has arrived, its body not yet read (`content_length` is nullopt for a
  /// chunked body): the route's limits when it may go on, or the response to send at once: 404, 405 with
  /// `Allow`, the guard's answer, or 413 when the declared body is larger than the route accepts.
  std::variant<WebAdmission, WebResponse> admit(const WebRequest& head, std::optional<std::uint64_t> content_length) const;

  /// Answers a request whose body has been read: the route's handler (HEAD as GET, body dropped but its
  /// Content-Length kept), or 404/405; a handler that throws gives 500.
  WebResponse handle(const WebRequest& request) const;

  /// The 413 for `head` whose body, read as it came (chunked), grew past its admission's limit: written like
  /// the 413 admit() gives for a declared length.
  WebResponse body_too_large(const WebRequest& head, const WebAdmission& admission) const;

 private:
  struct Route {
    std::string path;
    bool prefix = false;
    WebHandler handler;
    WebRouteOptions options;
  };
  const Route* find(const std::string& path) const;
  // The methods `route` accepts for `path` (its path_methods, else its methods); nullopt when its
  // path_methods leave the path to the handler.
  static std::optional<std::vector<std::string>> methods_for(const Route& route, const std::string& path);
  static bool allows(const std::vector<std::string>& methods, const std::string& method);
  static std::string allow_header(std::vector<std::string> methods);
  WebResponse error(const WebRequest& request, int status, WebErrorFormat format, const std::string& message = {}) const;
  // 404 or 405 (with Allow) when `route` does not answer `request`'s method, else nullopt.
  std::optional<WebResponse> refuse(const Route* route, const WebRequest& request) const;

  WebErrorFormat not_found_format_;
  std::vector<Route> routes_;
  WebGuard guard_;
  WebErrorWriter error_writer_;
  WebExceptionHandler exception_handler_;
};

}  // namespace twikit
