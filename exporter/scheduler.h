#pragma once
// Decides when collections run: every interval in the background, or on demand with concurrent
// scrapes sharing one in-flight collection.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "exporter/collector.h"

namespace twikit::exporter {

/// Owns the collection schedule for one Collector. Thread-safe; copy and move are deleted.
class Scheduler {
 public:
  /// Schedules `collector` according to its configuration's collection mode.
  explicit Scheduler(std::shared_ptr<Collector> collector);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// In interval mode, starts the background loop (the first collection runs at once); in on-scrape mode,
  /// the thread that gives the heap's free pages back after each collection, off the scrape's path.
  void start();
  /// Stops the background thread and waits for it.
  void stop();

  /// The snapshot to serve now. Interval mode: the latest one (waiting for the first, at most
  /// `deadline`). On-scrape mode: a fresh collection bounded by `deadline`, shared with concurrent callers.
  std::shared_ptr<const Snapshot> snapshot(std::chrono::milliseconds deadline);

  /// The latest snapshot without triggering anything (nullptr before the first collection).
  std::shared_ptr<const Snapshot> latest() const;

  /// The collector being scheduled.
  const std::shared_ptr<Collector>& collector() const { return collector_; }

 private:
  void loop();
  void trim_loop();

  std::shared_ptr<Collector> collector_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const Snapshot> latest_;  // guarded by mu_
  bool in_flight_ = false;                  // guarded by mu_ (on-scrape mode)
  std::uint64_t generation_ = 0;            // guarded by mu_: bumps when a collection completes
  bool stopping_ = false;                   // guarded by mu_
  std::uint64_t trimmed_generation_ = 0;    // guarded by mu_ (on-scrape mode): the heap was trimmed after it
  std::thread thread_;
};

}  // namespace twikit::exporter
