#include "alertd/rules_api/rule_routes.h"

#include "common/json_text.h"

namespace twikit::rules_api {
namespace {

constexpr const char* kBase = "/api/monitoring/alert-rules";

void answer(WebResponse& res, const ApiAnswer& a) {
  res.status = a.status;
  for (const auto& [k, v] : a.headers) res.headers.set(k, v);
  res.headers.set("Cache-Control", "no-store");
  res.set_body(safe_dump(a.body) + "\n", "application/json");
}

ApiAnswer method_not_allowed(WebResponse& res, const char* allow) {
  res.headers.set("Allow", allow);
  ApiAnswer a;
  a.status = 405;
  a.body["status"] = "error";
  a.body["errorType"] = "method_not_allowed";
  a.body["error"] = "method not allowed";
  return a;
}

}  // namespace

void add_alert_rule_routes(WebRouter& router, RulesApi& api) {
  WebRouteOptions options;
  options.methods = {"GET", "POST", "PUT", "DELETE"};
  options.errors = WebErrorFormat::json;
  router.add(
      kBase,
      [&api](const WebRequest& req, WebResponse& res) {
        if (req.method == "GET" || req.method == "HEAD") return answer(res, api.list());
        if (req.method != "POST") return answer(res, method_not_allowed(res, "GET, HEAD, POST"));
        if (auto denied = api.authorize(req.headers.get("Authorization"))) return answer(res, *denied);
        answer(res, api.create(req.body, req.headers.get("X-Alertd-User")));
      },
      options);
  router.add_prefix(
      std::string(kBase) + "/",
      [&api](const WebRequest& req, WebResponse& res) {
        std::string rest = req.path.substr(std::string(kBase).size() + 1);
        bool history = false;
        if (rest.size() > 8 && rest.ends_with("/history")) {
          history = true;
          rest.resize(rest.size() - 8);
        }
        if (rest.empty() || rest.find('/') != std::string::npos) {
          return answer(res, ApiAnswer{404, {{"status", "error"}, {"errorType", "not_found"}, {"error", "not found"}}, {}});
        }
        const bool read = req.method == "GET" || req.method == "HEAD";
        if (history) {
          if (!read) return answer(res, method_not_allowed(res, "GET, HEAD"));
          return answer(res, api.history(rest));
        }
        if (read) return answer(res, api.get(rest));
        if (req.method != "PUT" && req.method != "DELETE") return answer(res, method_not_allowed(res, "GET, HEAD, PUT, DELETE"));
        if (auto denied = api.authorize(req.headers.get("Authorization"))) return answer(res, *denied);
        const std::string user = req.headers.get("X-Alertd-User");
        if (req.method == "PUT") return answer(res, api.replace(rest, req.body, req.headers.get("If-Match"), user));
        answer(res, api.remove(rest, req.headers.get("If-Match"), user));
      },
      [options] {
        WebRouteOptions o = options;
        o.path_methods = [](std::string_view path) -> std::vector<std::string> {
          std::string_view rest = path.substr(std::string_view(kBase).size() + 1);
          const bool history = rest.size() > 8 && rest.ends_with("/history");
          if (history) rest.remove_suffix(8);
          if (rest.empty() || rest.find('/') != std::string_view::npos) return {};
          if (history) return {"GET"};
          return {"GET", "HEAD", "PUT", "DELETE"};
        };
        return o;
      }());
}

}  // namespace twikit::rules_api
