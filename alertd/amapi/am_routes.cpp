#include "alertd/amapi/am_routes.h"

#include <string_view>

namespace twikit::amapi {
namespace {

void reply(WebResponse& res, const AmResponse& r) {
  res.status = r.status;
  res.set_body(r.body, "application/json");
}

}  // namespace

void add_alertmanager_routes(WebRouter& router, AlertmanagerApi& api, std::size_t max_body_bytes) {
  const auto options = [max_body_bytes](std::vector<std::string> methods) {
    WebRouteOptions o;
    o.methods = std::move(methods);
    o.max_body_bytes = max_body_bytes;
    o.errors = WebErrorFormat::json;
    return o;
  };
  router.add("/api/v2/status", [&api](const WebRequest&, WebResponse& res) { reply(res, api.status()); }, options({"GET"}));
  router.add("/api/v2/receivers", [&api](const WebRequest&, WebResponse& res) { reply(res, api.receivers()); },
             options({"GET"}));
  router.add("/api/v2/alerts", [&api](const WebRequest& req, WebResponse& res) { reply(res, api.alerts(req.query)); },
             options({"GET"}));
  router.add(
      "/api/v2/alerts/groups", [&api](const WebRequest& req, WebResponse& res) { reply(res, api.alert_groups(req.query)); },
      options({"GET"}));
  router.add(
      "/api/v2/silences",
      [&api](const WebRequest& req, WebResponse& res) {
        if (req.method == "POST") return reply(res, api.post_silence(req.headers.get("Authorization"), req.body));
        reply(res, api.silences(req.query));
      },
      options({"GET", "POST"}));
  // /api/v2/silence/{id} (GET, DELETE).
  router.add_prefix(
      "/api/v2/silence/",
      [&api](const WebRequest& req, WebResponse& res) {
        const std::string id = req.path.substr(std::string_view("/api/v2/silence/").size());
        if (id.empty() || id.find('/') != std::string::npos) {
          return reply(res, {404, "\"not found\""});
        }
        if (req.method == "DELETE") return reply(res, api.delete_silence(req.headers.get("Authorization"), id));
        reply(res, api.silence(id));
      },
      options({"GET", "DELETE"}));
}

}  // namespace twikit::amapi
