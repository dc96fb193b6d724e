#include "exporter/metrics_endpoint.h"

#include <charconv>
#include <memory>

#include "common/exposition.h"

namespace twikit::exporter {
namespace {

// The deadline a scrape allows: X-Prometheus-Scrape-Timeout-Seconds minus the configured offset,
// or 10 s (Prometheus' default scrape timeout) when the header is absent or malformed.
std::chrono::milliseconds scrape_deadline(const httplib::Request& req, const CollectionConfig& c) {
  const std::string header = req.get_header_value("X-Prometheus-Scrape-Timeout-Seconds");
  double seconds = 0;
  auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc() || seconds <= 0) return std::chrono::seconds(10);
  const auto ms = static_cast<std::int64_t>(seconds * 1000) - c.scrape_timeout_offset_ms;
  return std::chrono::milliseconds(std::max<std::int64_t>(ms, 100));
}

}  // namespace

void serve_metrics(const httplib::Request& req, httplib::Response& res, Scheduler& scheduler,
                   const SelfCounters& counters) {
  const CollectionConfig& collection = scheduler.collector()->config().collection;
  const auto snapshot = scheduler.snapshot(scrape_deadline(req, collection));
  const ExpositionFormat format = negotiate_format(req.get_header_value("Accept"));
  const bool om = format == ExpositionFormat::openmetrics;

  std::string own;
  write_exposition(own, self_metrics(snapshot.get(), counters), format);  // ends with # EOF in OpenMetrics
  const bool gzip = accepts_gzip(req.get_header_value("Accept-Encoding"));

  // The response is up to three parts: the snapshot's body (shared, never copied), and the small fresh
  // part with the exporter's own metrics. With gzip the snapshot part was compressed once at collection;
  // each request only compresses its own tail and the trailer, so the whole is one gzip stream. Without
  // gzip the snapshot's body is inflated once, on the first such request.
  struct Body {
    std::shared_ptr<const Snapshot> snapshot;
    std::vector<std::string_view> parts;
    std::string tail;
  };
  auto body = std::make_shared<Body>();
  body->snapshot = snapshot;
  if (gzip) {
    static const GzipPrefix empty = gzip_prefix("");
    const GzipPrefix& prefix = snapshot ? (om ? snapshot->openmetrics_gzip : snapshot->text_gzip) : empty;
    body->tail = gzip_finish(prefix, own);
    body->parts = {prefix.header, prefix.deflated, body->tail};
    res.set_header("Content-Encoding", "gzip");
  } else {
    body->tail = std::move(own);
    if (snapshot) body->parts.push_back(snapshot->plain(format));
    body->parts.push_back(body->tail);
  }
  std::size_t total = 0;
  for (auto part : body->parts) total += part.size();
  // A sized content provider is sent as-is: httplib does not compress it a second time.
  res.set_content_provider(total, content_type(format),
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             std::size_t start = 0;
                             for (auto part : body->parts) {
                               if (length == 0) break;
                               if (offset < start + part.size()) {
                                 const std::size_t at = offset - start;
                                 const std::size_t n = std::min(length, part.size() - at);
                                 if (!sink.write(part.data() + at, n)) return false;
                                 offset += n;
                                 length -= n;
                               }
                               start += part.size();
                             }
                             return true;
                           });
}

}  // namespace twikit::exporter
