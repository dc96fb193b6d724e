#pragma once
// The standard process_* metrics every Prometheus client exposes, read from /proc/self.

#include <vector>

#include "common/exposition.h"

namespace twikit::app {

/// Appends process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_open_fds, process_max_fds and process_start_time_seconds to `out` (Linux only; missing
/// values are left out). Thread-safe.
void collect_process_metrics(std::vector<MetricFamily>& out);

}  // namespace twikit::app
