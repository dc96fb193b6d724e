#pragma once
// The sim's admin API: list the services, patch their documents, set their faults and list sizes, reset;
// and the sim's own /metrics.

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "sim/self_metrics.h"
#include "sim/service_server.h"

namespace twikit::sim {

/// Registers the admin routes (see sim/README.md) on `server`, acting on `services`, and counts every request
/// `server` answers in `requests` (a logger on `server`); both must outlive the server. Handlers are
/// thread-safe as ServiceServer and KeyedCounter are.
void register_admin_routes(httplib::Server& server, const std::vector<std::unique_ptr<ServiceServer>>& services,
                           AdminRequestCounts& requests);

}  // namespace twikit::sim
