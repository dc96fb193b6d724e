#pragma once
// Outbound HTTP as a narrow interface: one request, or many in parallel with a concurrency cap.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twikit {

/// One outbound HTTP request.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// The whole exchange (connect, send, receive) must finish within this time.
  std::chrono::milliseconds timeout{10'000};
  /// A body larger than this fails with HttpError::too_large without being read to the end; 0 = no limit.
  std::size_t max_body_bytes = 0;
};

/// Why a request failed before a complete HTTP response arrived.
enum class HttpError { none, timeout, connect, too_large, other };

/// A stable lower-case name for `error` ("timeout", "connect", ...), for metrics labels and logs.
const char* http_error_name(HttpError error);

/// The outcome of one request: a status and body, or a transport error.
struct HttpResponse {
  int status = 0;
  std::string body;
  /// Response headers with lower-cased names, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  HttpError error = HttpError::none;
  std::string error_message;
  double duration_seconds = 0;

  /// The first header named `name` (lower case), or nullptr.
  const std::string* header(std::string_view name) const;
  /// True when a complete response arrived (any status).
  bool transport_ok() const { return error == HttpError::none; }
};

/// Receives a response of HttpClient::send_each() as soon as it is complete: its request's index and the
/// response, which the handler may consume (move the body out).
using HttpResponseHandler = std::function<void(std::size_t index, HttpResponse& response)>;

/// Sends HTTP requests. Implementations are thread-safe: several threads may send at once.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Sends one request and waits for its outcome.
  virtual HttpResponse send(const HttpRequest& request) = 0;
  /// Sends all requests concurrently, at most `max_concurrency` in flight; results in request order.
  virtual std::vector<HttpResponse> send_all(const std::vector<HttpRequest>& requests,
                                             std::size_t max_concurrency) = 0;
  /// send_all(), handing each response to `on_done` as it completes (on the client's threads, possibly
  /// several at once; keep it short), so a caller can work on early answers while later ones are on their
  /// way; returns after the last call. This default sends them all, then calls `on_done` in request order.
  virtual std::vector<HttpResponse> send_each(const std::vector<HttpRequest>& requests, std::size_t max_concurrency,
                                              const HttpResponseHandler& on_done) {
    std::vector<HttpResponse> responses = send_all(requests, max_concurrency);
    for (std::size_t i = 0; i < responses.size(); ++i) on_done(i, responses[i]);
    return responses;
  }
};

/// HttpClient over libcurl's multi interface: one event loop per call on the calling thread, or, when more
/// than 128 requests may be in flight, one loop per 128 on threads of the call's own (joined before it returns).
class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient();
  HttpResponse send(const HttpRequest& request) override;
  std::vector<HttpResponse> send_all(const std::vector<HttpRequest>& requests,
                                     std::size_t max_concurrency) override;
  /// See HttpClient::send_each(): `on_done` runs on the loop that completed the transfer, right after it.
  std::vector<HttpResponse> send_each(const std::vector<HttpRequest>& requests, std::size_t max_concurrency,
                                      const HttpResponseHandler& on_done) override;
};

}  // namespace twikit
