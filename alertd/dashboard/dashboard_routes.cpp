#include "alertd/dashboard/dashboard_routes.h"

namespace twikit::dashboard {
namespace {

constexpr const char* kJson = "application/json";

void serve(WebResponse& res, const std::shared_ptr<const Snapshot>& snapshot, const std::string Snapshot::*document,
           int status) {
  if (!snapshot) {
    res = web_error(503, WebErrorFormat::json, "the monitoring documents are not built yet: waiting for the first scrape");
    return;
  }
  const std::string& body = (*snapshot).*document;
  res.status = status;
  res.headers.set("Cache-Control", "no-store");
  res.set_body_parts(snapshot, {std::string_view(body)}, kJson);
}

}  // namespace

void add_dashboard_routes(WebRouter& router, const DashboardSnapshots& snapshots) {
  WebRouteOptions options;
  options.methods = {"GET"};
  options.max_body_bytes = 0;
  options.errors = WebErrorFormat::json;
  router.add("/api/monitoring/dashboard",
             [&snapshots](const WebRequest&, WebResponse& res) {
               serve(res, snapshots.current(), &Snapshot::dashboard, 200);
             },
             options);
  router.add("/api/monitoring/metrics",
             [&snapshots](const WebRequest&, WebResponse& res) {
               serve(res, snapshots.current(), &Snapshot::metrics, 200);
             },
             options);
  router.add("/api/monitoring/health",
             [&snapshots](const WebRequest&, WebResponse& res) {
               const auto s = snapshots.current();
               serve(res, s, &Snapshot::health, s ? s->health_http_status : 503);
             },
             options);
}

}  // namespace twikit::dashboard
