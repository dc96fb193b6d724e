#pragma once
// The serialized monitoring documents, rebuilt after each scrape and evaluation and read by every request:
// serving one costs a shared-pointer copy, not a rebuild.

#include <memory>
#include <mutex>
#include <string>

#include "alertd/dashboard/snapshot_inputs.h"
#include "alertd/dashboard/trends.h"

namespace twikit::dashboard {

/// The three documents of one rebuild, serialized.
struct Snapshot {
  std::string dashboard;      ///< GET /api/monitoring/dashboard's body.
  std::string metrics;        ///< GET /api/monitoring/metrics' body.
  std::string health;         ///< GET /api/monitoring/health's body.
  int health_http_status = 200;  ///< 503 when the health document says unhealthy, else 200.
  TimestampMs built_at = 0;   ///< The inputs' `now`.
};

/// Builds the three documents from `inputs` (pure: reads the inputs only).
Snapshot build_snapshot(const SnapshotInputs& inputs, const TrendOptions& options = {});

/// Holds the latest Snapshot. Thread-safe: rebuild() may run on the rule thread while any number of
/// request threads read; a reader keeps the documents it got alive after a newer rebuild replaces them.
class DashboardSnapshots {
 public:
  /// Holds no snapshot until the first rebuild(); `options` sample the trends.
  explicit DashboardSnapshots(TrendOptions options = {}) : options_(options) {}
  DashboardSnapshots(const DashboardSnapshots&) = delete;
  DashboardSnapshots& operator=(const DashboardSnapshots&) = delete;

  /// Builds the documents from `inputs` and makes them current (the building happens outside the lock).
  void rebuild(const SnapshotInputs& inputs);

  /// The current snapshot, or nullptr before the first rebuild().
  std::shared_ptr<const Snapshot> current() const;
  /// The dashboard document's JSON text, or nullptr before the first rebuild().
  std::shared_ptr<const std::string> dashboard() const;
  /// The metrics document's JSON text, or nullptr before the first rebuild().
  std::shared_ptr<const std::string> metrics() const;
  /// The health document's JSON text, or nullptr before the first rebuild().
  std::shared_ptr<const std::string> health() const;

 private:
  TrendOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace twikit::dashboard
