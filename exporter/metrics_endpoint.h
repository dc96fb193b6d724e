#pragma once
// GET /metrics: content negotiation, the scrape-timeout header, gzip, and the snapshot plus self metrics.

#include "common/exposition.h"
#include "common/web_message.h"
#include "exporter/scheduler.h"
#include "exporter/self_metrics.h"

namespace twikit::exporter {

/// Answers one /metrics request from `scheduler`'s snapshot, adding the exporter's own metrics from `self`.
/// The snapshot's body is shared with the response, not copied.
void serve_metrics(const WebRequest& req, WebResponse& res, Scheduler& scheduler, const SelfMetrics& self);

}  // namespace twikit::exporter
