#pragma once
// The sim's admin API: list the services, patch their documents, set their faults and list sizes, reset.

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "sim/service_server.h"

namespace twikit::sim {

/// Registers the admin routes (see sim/README.md) on `server`, acting on `services`, which must outlive
/// the server. Handlers are thread-safe as ServiceServer is.
void register_admin_routes(httplib::Server& server, const std::vector<std::unique_ptr<ServiceServer>>& services);

}  // namespace twikit::sim
