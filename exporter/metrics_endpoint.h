#pragma once
// GET /metrics: content negotiation, the scrape-timeout header, gzip, and the snapshot plus self metrics.

#include <vector>

#include "common/exposition.h"
#include "common/web_message.h"
#include "exporter/scheduler.h"
#include "exporter/self_metrics.h"

namespace twikit::exporter {

/// Answers one /metrics request from `scheduler`'s snapshot, adding the exporter's own metrics and
/// `extra` families (the web server's). The snapshot's body is shared with the response, not copied.
void serve_metrics(const WebRequest& req, WebResponse& res, Scheduler& scheduler, const SelfCounters& counters,
                   const std::vector<MetricFamily>& extra = {});

}  // namespace twikit::exporter
