#pragma once
// One collection: fetch every target in parallel, parse each body once, map it, and render the result.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/exposition.h"
#include "common/http_client.h"
#include "exporter/config.h"
#include "exporter/service_report.h"

namespace twikit::exporter {

/// How many distinct mapping errors a target keeps for /health per collection.
inline constexpr std::size_t kMaxMappingErrorsKept = 10;

/// The reasons a target can fail, the values of twikit_scrape_errors_total's `reason` label ("other": the
/// request failed after connecting for a reason libcurl names, e.g. a connection closed without an answer).
inline constexpr const char* kErrorReasons[] = {"timeout", "connect", "http_status", "invalid_json",
                                                "too_large", "mapping", "other"};

/// What the last collection learned about one target, plus its running totals.
struct TargetStatus {
  std::string name;
  std::string service;
  bool up = false;
  double scrape_duration_seconds = 0;
  std::optional<TimestampMs> last_success_ms;
  int consecutive_failures = 0;
  /// Why the last collection failed, in the project's words ("response larger than 4194304 bytes");
  /// empty while up.
  std::string last_error;
  /// What the last good document could not give, one "<JSON path>: <problem>" each, distinct, at most
  /// kMaxMappingErrorsKept; empty when everything mapped.
  std::vector<std::string> mapping_errors;
  /// Cumulative failures by reason (all reasons present, from 0).
  std::map<std::string, std::uint64_t> errors_by_reason;
  std::uint64_t collections = 0;
  /// From the last good document: "healthy" | "degraded" | "unhealthy" (empty when never seen).
  std::string status;
  double response_time_seconds = 0;
  /// errors_total / requests_total of the last good document (0 when no requests).
  double error_ratio = 0;
  std::vector<DependencyStatus> dependencies;
};

/// The immutable result of one collection. Its bodies are rendered when first asked for, each (format ×
/// encoding) once, and kept: a collection costs no compression a scraper does not ask for (Prometheus asks
/// for OpenMetrics with gzip; curl for plain text).
struct Snapshot {
  TimestampMs collected_at_ms = 0;
  double duration_seconds = 0;
  std::vector<TargetStatus> targets;
  std::size_t series = 0;
  std::uint64_t duplicates_dropped = 0;

  /// Keeps `families` to render the bodies from. The first body asked for turns them into a compact form —
  /// each family's name, help and type, and its sample lines rendered once (the same in both formats for
  /// samples without timestamps, which the collector's are): some 76 bytes a series against some 300 as
  /// MetricSamples — off the collection's path. Call once, before the snapshot is shared.
  void set_families(std::vector<MetricFamily> families);

  /// The body of `format` (OpenMetrics without the "# EOF" line) as the front of a gzip stream that each
  /// request finishes with its own tail. Rendered and compressed on first use, family by family, so the
  /// uncompressed body never exists whole. Thread-safe: concurrent first calls render once.
  const GzipPrefix& gzip(ExpositionFormat format) const;

  /// The body of `format` uncompressed (OpenMetrics without "# EOF"), for clients that do not accept gzip.
  /// Rendered on first use and kept. Thread-safe.
  const std::string& plain(ExpositionFormat format) const;

 private:
  struct FamilyHead {
    MetricFamily header;  // name, help and type; no samples
    std::size_t begin = 0;  // its sample lines in sample_lines_
    std::size_t end = 0;
  };
  // Turns families_ into heads_ and sample_lines_, once; every body is rendered after it.
  void compact() const;

  mutable std::mutex compact_mu_;
  mutable bool compacted_ = false;                 // guarded by compact_mu_
  mutable std::vector<MetricFamily> families_;     // until compacted (guarded by compact_mu_)
  mutable std::vector<FamilyHead> heads_;          // written once by compact(), under compact_mu_
  mutable std::string sample_lines_;               // likewise
  mutable std::once_flag gzip_once_[2];   // text, OpenMetrics
  mutable GzipPrefix gzip_[2];            // written once under gzip_once_
  mutable std::once_flag plain_once_[2];  // text, OpenMetrics
  mutable std::string plain_[2];          // written once under plain_once_
};

/// Runs collections for one configuration. Thread-safe: collect() may be called from several threads,
/// though callers normally serialise it (see Scheduler).
class Collector {
 public:
  /// Collects the targets of `config` through `http`, reading time from `clock`.
  Collector(std::shared_ptr<const ExporterConfig> config, HttpClient& http, const Clock& clock);
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Runs one collection; no target waits longer than its own timeout or `timeout_cap`, whichever is less.
  std::shared_ptr<const Snapshot> collect(std::optional<std::chrono::milliseconds> timeout_cap = std::nullopt);

  /// Takes the running totals (error counters, last success) of targets with the same name from `old`,
  /// so a reload does not reset counters.
  void carry_over_from(const Collector& old);

  /// The configuration this collector runs.
  const ExporterConfig& config() const { return *config_; }

 private:
  std::shared_ptr<const ExporterConfig> config_;
  HttpClient& http_;
  const Clock& clock_;
  std::vector<std::vector<const MetricSpec*>> specs_;  // per target: common + service metrics
  mutable std::mutex mu_;
  std::map<std::string, TargetStatus> totals_;         // guarded by mu_
  std::uint64_t duplicates_dropped_total_ = 0;         // guarded by mu_
};

}  // namespace twikit::exporter
