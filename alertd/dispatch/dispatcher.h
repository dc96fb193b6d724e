#pragma once
// The dispatcher: routes incoming alerts into aggregation groups and flushes each group on its
// group_wait / group_interval timers, driven by an injected clock.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alertd/dispatch/escalator.h"
#include "alertd/dispatch/route.h"
#include "alertd/notify/flush_sink.h"

namespace twikit::dispatch {

/// A snapshot of one aggregation group, for the API and metrics.
struct GroupInfo {
  std::string group_key;     ///< "<route key>:<group labels>".
  std::string receiver;      ///< Receiver of the group's route.
  Labels group_labels;       ///< group_by labels and values.
  std::size_t alerts = 0;    ///< Alerts currently in the group.
  TimestampMs next_flush = 0;///< When the group is flushed next.
};

/// Routes alerts and owns the aggregation groups. Thread-safe: put() and tick() may run on different threads.
/// Copy and move are deleted (the route tree points into the config).
class Dispatcher {
 public:
  /// `root` (the route tree's config), `sink`, `clock` and `escalator` (may be null) must outlive it.
  Dispatcher(const notify::RouteConfig& root, notify::FlushSink& sink, const Clock& clock,
             Escalator* escalator = nullptr);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Adds or updates alerts (one evaluation cycle's firing and resolved alerts), then flushes due groups.
  void put(const std::vector<notify::Alert>& alerts);
  /// Flushes every group whose timer is due at the clock's now (and runs due escalation steps).
  void tick();
  /// The earliest time tick() has work to do, or nullopt when there is none.
  std::optional<TimestampMs> next_due() const;
  /// Number of aggregation groups.
  std::size_t group_count() const;
  /// A snapshot of all groups, ordered by key.
  std::vector<GroupInfo> groups() const;

 private:
  struct Group {
    const RouteNode* route = nullptr;
    Labels labels;
    std::string key;
    std::map<notify::Fingerprint, notify::Alert> alerts;
    TimestampMs next_flush = 0;
    bool has_flushed = false;
  };
  void flush_due(TimestampMs now);

  RouteNode tree_;
  notify::FlushSink& sink_;
  const Clock& clock_;
  Escalator* escalator_;
  mutable std::mutex mu_;
  std::map<std::string, Group> groups_;  // by route id + group labels
};

}  // namespace twikit::dispatch
