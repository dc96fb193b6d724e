#pragma once
// The regex compile cache's figures as metric families, for the /metrics of a program that compiles
// user-written regexes.

#include <string>
#include <vector>

#include "common/metrics_registry.h"
#include "common/regex.h"

namespace twikit {

/// `<prefix>_regex_cache_entries`, `_bytes`, `_capacity_bytes` (gauges) and `_hits_total`,
/// `_misses_total`, `_evictions_total` (counters) from `stats`, for a MetricsRegistry callback.
std::vector<prometheus::MetricFamily> regex_cache_families(const RegexCacheStats& stats, const std::string& prefix);

}  // namespace twikit
