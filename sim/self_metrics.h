#pragma once
// twikit-sim's own /metrics: build info, process metrics, status requests per service and code, the fault
// set on each service, and admin API requests.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/exposition.h"
#include "common/web_message.h"
#include "sim/counters.h"
#include "sim/service_server.h"

namespace twikit::sim {

/// Admin API requests counted by method label value and HTTP status code.
using AdminRequestCounts = KeyedCounter<std::pair<std::string, int>>;

/// The twikit_sim_* and process_* families for one /metrics response, read from `services` and `admin`.
/// Thread-safe as ServiceServer and KeyedCounter are.
std::vector<MetricFamily> self_metrics(const std::vector<std::unique_ptr<ServiceServer>>& services,
                                       const AdminRequestCounts& admin);

/// Answers GET /metrics with self_metrics(): text 0.0.4, or OpenMetrics when the Accept header asks for it;
/// gzip-compressed when the Accept-Encoding header allows it.
void serve_metrics(const WebRequest& req, WebResponse& res,
                   const std::vector<std::unique_ptr<ServiceServer>>& services, const AdminRequestCounts& admin);

}  // namespace twikit::sim
