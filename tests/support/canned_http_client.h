#pragma once
// An HttpClient that answers from memory, for what scrapes or fetches without needing a network: the
// exporter's collector and alertd's scraper in tests, the fuzz harnesses and the benchmarks.

#include <atomic>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/http_client.h"

namespace twikit::testing {

/// Answers every request with 200 and the next of its bodies, round robin (one body: always that one), with
/// the Content-Type and duration it was given; never touches the network. Thread-safe.
class CannedHttpClient final : public HttpClient {
 public:
  /// Answers `bodies` (at least one) in turn, each with `content_type` (no header when empty) and
  /// `duration_seconds`.
  explicit CannedHttpClient(std::vector<std::string> bodies, std::string content_type = {},
                            double duration_seconds = 0)
      : bodies_(std::move(bodies)), content_type_(std::move(content_type)), duration_seconds_(duration_seconds) {}

  /// Answers `body` to every request, with `content_type` (no header when empty) and `duration_seconds`.
  explicit CannedHttpClient(std::string body, std::string content_type = {}, double duration_seconds = 0)
      : CannedHttpClient(std::vector<std::string>{std::move(body)}, std::move(content_type), duration_seconds) {}

  /// The next body, whatever the request.
  HttpResponse send(const HttpRequest&) override {
    HttpResponse r;
    r.status = 200;
    r.body = bodies_[next_.fetch_add(1, std::memory_order_relaxed) % bodies_.size()];
    if (!content_type_.empty()) r.headers = {{"content-type", content_type_}};
    r.duration_seconds = duration_seconds_;
    return r;
  }

  /// One answer per request, in order, as send() gives them.
  std::vector<HttpResponse> send_all(const std::vector<HttpRequest>& requests, std::size_t) override {
    std::vector<HttpResponse> out;
    out.reserve(requests.size());
    for (const auto& r : requests) out.push_back(send(r));
    return out;
  }

 private:
  const std::vector<std::string> bodies_;
  const std::string content_type_;
  const double duration_seconds_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace twikit::testing
