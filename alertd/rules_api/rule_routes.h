#pragma once
// /api/monitoring/alert-rules on a WebRouter, answered by a RulesApi.

#include "alertd/rules_api/rules_api.h"
#include "common/web_router.h"

namespace twikit::rules_api {

/// Adds GET/POST /api/monitoring/alert-rules and GET/PUT/DELETE /api/monitoring/alert-rules/:id and GET
/// /api/monitoring/alert-rules/:id/history to `router`. Mutations need `Authorization: Bearer <token>`
/// (401/403 otherwise); `X-Alertd-User` names who made a change; PUT and DELETE honour If-Match. Bodies are
/// JSON (at most 64 KiB), errors {"status":"error","errorType":…,"error":…}. `api` must outlive the router.
void add_alert_rule_routes(WebRouter& router, RulesApi& api);

}  // namespace twikit::rules_api
