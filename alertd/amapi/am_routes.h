#pragma once
// Puts the Alertmanager API v2 on a WebRouter: /api/v2/status, /receivers, /alerts, /alerts/groups,
// /silences and /silence/{id}.

#include <cstddef>

#include "alertd/amapi/am_api.h"
#include "common/web_router.h"

namespace twikit::amapi {

/// Registers the API's routes on `router` (before its server starts) with `max_body_bytes` as the body cap;
/// the router's own errors (404, 405, 413) are JSON. `api` must outlive the router.
void add_alertmanager_routes(WebRouter& router, AlertmanagerApi& api, std::size_t max_body_bytes);

}  // namespace twikit::amapi
