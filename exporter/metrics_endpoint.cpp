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

  // The snapshot's body is shared, not copied: the provider streams it, then the small own part.
  auto body = std::make_shared<std::pair<std::shared_ptr<const Snapshot>, std::string>>(
      snapshot, gzip ? gzip_compress(own) : std::move(own));
  const std::string* head = nullptr;
  if (snapshot) {
    head = gzip ? (om ? &snapshot->openmetrics_gzip : &snapshot->text_gzip)
                : (om ? &snapshot->openmetrics : &snapshot->text);
  }
  const std::size_t head_size = head ? head->size() : 0;
  const std::size_t total = head_size + body->second.size();
  if (gzip) res.set_header("Content-Encoding", "gzip");
  // A sized content provider is sent as-is: httplib does not compress it a second time.
  res.set_content_provider(total, content_type(format),
                           [body, head, head_size](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             while (length > 0) {
                               const std::string& part = offset < head_size ? *head : body->second;
                               const std::size_t at = offset < head_size ? offset : offset - head_size;
                               const std::size_t n = std::min(length, part.size() - at);
                               if (!sink.write(part.data() + at, n)) return false;
                               offset += n;
                               length -= n;
                             }
                             return true;
                           });
}

}  // namespace twikit::exporter
