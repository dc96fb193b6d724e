#pragma once
// One collection: fetch every target in parallel, parse each body once, map and render it as it arrives,
// and put the parts together in target order.

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
#include "exporter/snapshot.h"

namespace twikit::exporter {

/// How many distinct mapping errors a target keeps for /health per collection.
inline constexpr std::size_t kMaxMappingErrorsKept = 10;

/// The reasons a target can fail, the values of twikit_scrape_errors_total's `reason` label ("other": the
/// request failed after connecting for a reason libcurl names, e.g. a connection closed without an answer).
inline constexpr const char* kErrorReasons[] = {"timeout", "connect", "http_status", "invalid_json",
                                                "too_large", "mapping", "other"};

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
