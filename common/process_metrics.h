#pragma once
// The standard process_* metrics every Prometheus exporter serves, read from /proc/self.

#include <vector>

#include "common/metrics_registry.h"

namespace twikit {

/// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_open_fds, process_max_fds and process_start_time_seconds for this process, read now (a
/// MetricsRegistry collects them through a callback).
std::vector<prometheus::MetricFamily> process_metrics();

/// This process' resident set size in bytes (0 when /proc is unavailable).
double process_resident_bytes();

}  // namespace twikit
