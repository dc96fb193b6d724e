#pragma once
// GET /metrics: content negotiation, the scrape-timeout header, gzip, and the snapshot plus self metrics.

#include <httplib.h>

#include "exporter/scheduler.h"
#include "exporter/self_metrics.h"

namespace twikit::exporter {

/// Answers one /metrics request from `scheduler`'s snapshot, adding the exporter's own metrics.
void serve_metrics(const httplib::Request& req, httplib::Response& res, Scheduler& scheduler,
                   const SelfCounters& counters);

}  // namespace twikit::exporter
