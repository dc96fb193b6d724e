#pragma once
// The immutable result of one collection: what each target gave, and the exposition bodies served from it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/exposition.h"
#include "exporter/service_report.h"

namespace twikit::exporter {

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

/// The largest text a snapshot keeps (TextRange's offsets are 32-bit).
inline constexpr std::size_t kMaxSnapshotText = 0xffffffffu;

/// Some rendered sample lines: bytes [begin, end) of the snapshot text numbered `text`.
struct TextRange {
  std::uint32_t text = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

/// The immutable result of one collection. The collector hands it each family's header and its sample lines,
/// already rendered (the same lines in both formats for samples without timestamps, which the collector's
/// are), as ranges of texts the snapshot keeps; a body is those parts put together when first asked for,
/// each (format × encoding) once, and kept: a collection costs no compression a scraper does not ask for
/// (Prometheus asks for OpenMetrics with gzip; curl for plain text).
struct Snapshot {
  TimestampMs collected_at_ms = 0;
  double duration_seconds = 0;
  std::vector<TargetStatus> targets;
  std::size_t series = 0;
  std::uint64_t duplicates_dropped = 0;

  /// Keeps `text` (at most kMaxSnapshotText bytes, else std::length_error) for the sample lines of later
  /// add_family() calls; returns its number. Call before the snapshot is shared.
  std::uint32_t add_text(std::string text);

  /// Appends a family: `header` (name, help and type; its samples are ignored) and `lines`, ranges of texts
  /// added before, in order. Call before the snapshot is shared.
  void add_family(MetricFamily header, const std::vector<TextRange>& lines);

  /// The body of `format` (OpenMetrics without the "# EOF" line) as the front of a gzip stream that each
  /// request finishes with its own tail. Compressed on first use from the rendered parts, so the
  /// uncompressed body never exists whole. Thread-safe: concurrent first calls compress once.
  const GzipPrefix& gzip(ExpositionFormat format) const;

  /// The body of `format` uncompressed (OpenMetrics without "# EOF"), for clients that do not accept gzip.
  /// Put together on first use and kept. Thread-safe.
  const std::string& plain(ExpositionFormat format) const;

 private:
  struct FamilyHead {
    MetricFamily header;     // name, help and type; no samples
    std::size_t begin = 0;   // its lines: ranges_[begin, end)
    std::size_t end = 0;
  };
  // Calls `part` with every piece of the body of `format`, in order.
  template <typename Part>
  void for_each_part(ExpositionFormat format, Part&& part) const;

  std::vector<std::string> texts_;
  std::vector<TextRange> ranges_;
  std::vector<FamilyHead> heads_;
  mutable std::once_flag gzip_once_[2];   // text, OpenMetrics
  mutable GzipPrefix gzip_[2];            // written once under gzip_once_
  mutable std::once_flag plain_once_[2];  // text, OpenMetrics
  mutable std::string plain_[2];          // written once under plain_once_
};

}  // namespace twikit::exporter
