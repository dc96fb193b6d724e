#pragma once
// The sim's admin API: list the services, patch their documents, set their faults and list sizes, reset;
// and the sim's own /metrics.

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "common/web_router.h"
#include "sim/self_metrics.h"
#include "sim/service_server.h"

namespace twikit::sim {

/// The admin routes (see sim/README.md) acting on `services`, counting every answer in `metrics` by method
/// and status and serving `metrics` on /metrics; both must outlive the router's server. Handlers are
/// thread-safe as ServiceServer and SimMetrics are.
WebRouter admin_router(const std::vector<std::unique_ptr<ServiceServer>>& services, SimMetrics& metrics);

}  // namespace twikit::sim
