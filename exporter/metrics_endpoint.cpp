#include "exporter/metrics_endpoint.h"

#include <charconv>
#include <memory>

#include "common/exposition.h"

namespace twikit::exporter {
namespace {

// The deadline a scrape allows: X-Prometheus-Scrape-Timeout-Seconds minus the configured offset,
// or 10 s (Prometheus' default scrape timeout) when the header is absent or malformed.
std::chrono::milliseconds scrape_deadline(const WebRequest& req, const CollectionConfig& c) {
  const std::string header = req.headers.get("X-Prometheus-Scrape-Timeout-Seconds");
  double seconds = 0;
  auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc() || seconds <= 0) return std::chrono::seconds(10);
  const auto ms = static_cast<std::int64_t>(seconds * 1000) - c.scrape_timeout_offset_ms;
  return std::chrono::milliseconds(std::max<std::int64_t>(ms, 100));
}

}  // namespace

void serve_metrics(const WebRequest& req, WebResponse& res, Scheduler& scheduler, const SelfMetrics& self) {
  const CollectionConfig& collection = scheduler.collector()->config().collection;
  const auto snapshot = scheduler.snapshot(scrape_deadline(req, collection));
  const ExpositionFormat format = negotiate_format(req.headers.get("Accept"));

  std::string own;
  write_exposition(own, self.families(snapshot.get()), format);  // ends with # EOF in OpenMetrics
  const bool gzip = accepts_gzip(req.headers.get("Accept-Encoding"));

  // The response is up to three parts: the snapshot's body (shared, never copied), and the small fresh
  // part with the exporter's own metrics. With gzip the snapshot part is compressed once per collection,
  // by the first request that asks for it; each request only compresses its own tail and the trailer, so
  // the whole is one gzip stream. Without gzip the snapshot's plain body is rendered once, likewise.
  struct Body {
    std::shared_ptr<const Snapshot> snapshot;
    std::string tail;
  };
  std::vector<std::string_view> parts;
  auto body = std::make_shared<Body>();
  body->snapshot = snapshot;
  if (gzip) {
    static const GzipPrefix empty = gzip_prefix("");
    const GzipPrefix& prefix = snapshot ? snapshot->gzip(format) : empty;
    body->tail = gzip_finish(prefix, own);
    parts = {prefix.header, prefix.deflated, body->tail};
    res.headers.set("Content-Encoding", "gzip");
  } else {
    body->tail = std::move(own);
    if (snapshot) parts.push_back(snapshot->plain(format));
    parts.push_back(body->tail);
  }
  res.set_body_parts(std::move(body), std::move(parts), content_type(format));
}

}  // namespace twikit::exporter
