#pragma once
// A WebServer's own counts as metric families, for the /metrics of the program that owns it.

#include <string>
#include <vector>

#include "common/metrics_registry.h"
#include "common/web_server.h"

namespace twikit {

/// `<prefix>_http_responses_total{code}`, `<prefix>_http_connections_open`,
/// `<prefix>_http_connections_accepted_total`, `<prefix>_http_connections_rejected_total` and
/// `<prefix>_http_connections_timed_out_total` from `stats`, for a MetricsRegistry callback.
std::vector<prometheus::MetricFamily> web_server_families(const WebServerStats& stats, const std::string& prefix);

}  // namespace twikit
