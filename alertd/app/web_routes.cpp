// The App's HTTP routes: lifecycle (/-/healthy, /-/ready, /-/reload), /metrics, the Prometheus-shaped
// /api/v1/* endpoints, the notification hub's routes and the web console.

#include <functional>
#include <string_view>
#include <variant>

#include "alertd/amapi/am_routes.h"
#include "alertd/api/historical_api.h"
#include "alertd/api/monitoring_json.h"
#include "alertd/api/prometheus_api.h"
#include "alertd/app/app.h"
#include "alertd/console/console_routes.h"
#include "alertd/dashboard/dashboard_routes.h"
#include "alertd/promql/parser.h"
#include "alertd/rules/alert_template.h"
#include "alertd/rules/api_json.h"
#include "alertd/rules_api/rule_routes.h"
#include "alertd/api/monitoring_api.h"
#include "common/exposition_response.h"
#include "common/logging.h"

namespace twikit::app {
namespace {

constexpr const char* kJson = "application/json";

constexpr std::size_t kMaxBody = api::kMaxRequestBodyBytes;

/// The first value of `name` in `params`, or "".
std::string first(const WebParams& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

/// Every value of `name` in `params`, in order.
std::vector<std::string> all(const WebParams& params, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : params) {
    if (k == name) out.push_back(v);
  }
  return out;
}

bool is_api(const std::string& path) { return path.starts_with("/api/"); }

/// Compares the Authorization header with "Bearer <token>" in time that does not depend on where they differ.
bool bearer_matches(const std::string& header, const std::string& token) {
  const std::string expected = "Bearer " + token;
  if (header.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < header.size(); ++i) diff |= static_cast<unsigned char>(header[i] ^ expected[i]);
  return diff == 0;
}

/// The errorType of an API error answer with `status` (Prometheus' names where it has them).
const char* error_type(int status) {
  switch (status) {
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    default: return status >= 500 ? "internal" : "bad_data";
  }
}

/// {"status":"error",...} with any invalid UTF-8 of `message` replaced, so that writing it cannot fail.
std::string api_error_body(int status, const std::string& message) {
  return nlohmann::json{{"status", "error"}, {"errorType", error_type(status)}, {"error", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// An error answer: JSON on /api/, plain text elsewhere.
WebResponse error_answer(const std::string& path, int status, const std::string& message) {
  WebResponse res;
  res.status = status;
  if (is_api(path)) {
    res.set_body(api_error_body(status, message), kJson);
  } else {
    res.set_body(message + "\n", "text/plain; charset=utf-8");
  }
  return res;
}

/// Route options: `methods`, alertd's body cap, JSON errors under /api/.
WebRouteOptions route(std::vector<std::string> methods, const std::string& path) {
  WebRouteOptions o;
  o.methods = std::move(methods);
  o.max_body_bytes = kMaxBody;
  o.errors = is_api(path) ? WebErrorFormat::json : WebErrorFormat::plain;
  return o;
}

}  // namespace

std::unique_ptr<storage::Queryable> App::remote_queryable() const {
  if (!remote_history_) return nullptr;
  return std::make_unique<history::TwoTierQueryable>(store_, *remote_history_, remote_memory_start());
}

TimestampMs App::remote_memory_start() const {
  // The in-memory window: its retention back from now, and nothing from before alertd started.
  return std::max(remote_history_since_, clock_.now_ms() - config()->storage.retention_ms);
}

WebRouter App::routes() {
  WebRouter router;
  // Runs once the header is in, before a body is read: /-/reload and the monitoring API's mutations need the
  // API token (an unauthenticated 500 MB POST is refused after its headers), and /api/ parameters must be
  // UTF-8. A refused request that announced a body gets "Connection: close" from the server.
  router.set_guard([this](const WebRequest& req, WebErrorFormat) -> std::optional<WebResponse> {
    const bool mutating = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    const bool monitoring = req.path.starts_with("/api/monitoring/") || req.path.starts_with("/api/v2/");
    if (mutating && (monitoring || req.path == "/-/reload")) {
      const std::string token = config()->web.api_bearer_token;
      if (!token.empty()) {
        if (!bearer_matches(req.headers.get("Authorization"), token)) {
          WebResponse res = error_answer(req.path, 401, "missing or wrong bearer token");
          res.headers.set("WWW-Authenticate", "Bearer");
          return res;
        }
      } else if (monitoring) {
        return error_answer(req.path, 403, "mutations are disabled: no API bearer token is configured");
      } else if (!options_.enable_lifecycle) {
        return error_answer(req.path, 403,
                            "the lifecycle API is not enabled: set an API bearer token, or start alertd with "
                            "--web.enable-lifecycle");
      }
    }
    if (is_api(req.path)) {
      if (const auto bad = api::invalid_utf8_param(req.query)) return error_answer(req.path, 400, *bad);
    }
    return std::nullopt;
  });
  // Answers the router gives on its own (404, 405, 413): JSON on /api/, plain text elsewhere.
  router.set_error_writer([](const WebRequest& req, int status, WebErrorFormat, const std::string& message) {
    std::string text = message;
    if (text.empty()) text = status == 404 ? "not found" : web_status_message(status);
    return error_answer(req.path, status, text);
  });
  // A handler that throws is a bug: log it once and answer 500 with a body, never an empty one.
  router.set_exception_handler([](const WebRequest& req, WebErrorFormat, const std::string& what) {
    logger("web")->error("msg=\"request handler failed\" method={} path={} err={}", req.method, logfmt_value(req.path),
                         logfmt_value(what));
    WebResponse res;
    res.status = 500;
    res.set_body(api_error_body(500, "internal error; see alertd's log"), kJson);
    return res;
  });
  // / and /console/*: the web console (alertd/console/), told whether mutations need the token.
  console::add_console_routes(router, [this] { return !config()->web.api_bearer_token.empty(); });
  router.add(
      "/-/healthy", [](const WebRequest&, WebResponse& res) { res.set_body("alertd is Healthy.\n", "text/plain; charset=utf-8"); },
      route({"GET"}, "/-/healthy"));
  router.add(
      "/-/ready",
      [this](const WebRequest&, WebResponse& res) {
        if (ready_) {
          res.set_body("alertd is Ready.\n", "text/plain; charset=utf-8");
        } else {
          res.status = 503;
          res.set_body("Service Unavailable\n", "text/plain; charset=utf-8");
        }
      },
      route({"GET"}, "/-/ready"));
  // The guard above has checked the token (or --web.enable-lifecycle) before this runs.
  router.add(
      "/-/reload",
      [this](const WebRequest&, WebResponse& res) {
        std::string error;
        if (reload(&error)) {
          res.set_body("", "text/plain; charset=utf-8");
        } else {
          res.status = 500;
          res.set_body("failed to reload config: " + error + "\n", "text/plain; charset=utf-8");
        }
      },
      route({"POST", "PUT"}, "/-/reload"));
  router.add(
      "/metrics",
      [this](const WebRequest& req, WebResponse& res) {
        const ExpositionFormat format = negotiate_format(req.headers.get("Accept"));
        send_exposition(req, res, metrics_text(format), format);
      },
      route({"GET"}, "/metrics"));
  router.add(
      "/api/v1/rules",
      [this](const WebRequest& req, WebResponse& res) {
        rules::RulesFilter filter;
        filter.type = first(req.query, "type");
        if (!filter.type.empty() && filter.type != "alert" && filter.type != "record") {
          res.status = 400;
          res.set_body(api::error_json("bad_data", "unsupported type \"" + filter.type + "\""), kJson);
          return;
        }
        filter.rule_names = all(req.query, "rule_name[]");
        filter.group_names = all(req.query, "rule_group[]");
        filter.files = all(req.query, "file[]");
        const std::string exclude = first(req.query, "exclude_alerts");
        if (!exclude.empty() && exclude != "true" && exclude != "false") {
          res.status = 400;
          res.set_body(api::error_json("bad_data", "invalid parameter \"exclude_alerts\": expected true or false"), kJson);
          return;
        }
        filter.exclude_alerts = exclude == "true";
        res.set_body(rules::rules_response_json(rules_->snapshot(), filter), kJson);
      },
      route({"GET"}, "/api/"));
  router.add(
      "/api/v1/alerts",
      [this](const WebRequest&, WebResponse& res) { res.set_body(rules::alerts_response_json(rules_->active_alerts()), kJson); },
      route({"GET"}, "/api/"));
  router.add(
      "/api/v1/targets",
      [this](const WebRequest&, WebResponse& res) { res.set_body(api::targets_response_json(scrape_->targets()), kJson); },
      route({"GET"}, "/api/"));
  router.add(
      "/api/v1/status/buildinfo",
      [](const WebRequest&, WebResponse& res) {
        res.set_body(std::string(R"({"status":"success","data":{"version":")") + TWIKIT_VERSION +
                         R"(","revision":"","branch":"","buildUser":"","buildDate":"","goVersion":""}})",
                     kJson);
      },
      route({"GET"}, "/api/"));
  // Parses the query parameter and answers with what `run` makes of it: 400 for a parse error, 422 when
  // the evaluation fails, 503 when it times out, as Prometheus does.
  const auto fail = [](WebResponse& res, const api::ApiError& error) {
    res.status = error.status;
    res.set_body(api::error_json(error.type, error.message), kJson);
  };
  const auto answer = [fail](const WebParams& params, WebResponse& res,
                             const std::function<promql::Value(const promql::Expr&)>& run) {
    promql::ExprPtr expr;
    try {
      expr = promql::parse(first(params, "query"));
    } catch (const std::exception& e) {
      return fail(res, {400, "bad_data", std::string("invalid parameter \"query\": ") + e.what()});
    }
    try {
      res.set_body(api::query_response_json(run(*expr)), kJson);
    } catch (const std::exception& e) {
      fail(res, api::evaluation_error(e));
    }
  };
  // The parameters of a GET, or of a POSTed form and its URL; a form is read after the guard ran, so its
  // parameters are checked here. False (and a 400 in `res`) when one is not UTF-8.
  const auto read_params = [](const WebRequest& req, WebResponse& res, WebParams& params) {
    params = form_params(req);
    const auto problem = api::invalid_utf8_param(params);
    if (problem) {
      res.status = 400;
      res.set_body(api::error_json("bad_data", *problem), kJson);
    }
    return !problem.has_value();
  };
  router.add(
      "/api/v1/query",
      [this, answer, fail, read_params](const WebRequest& req, WebResponse& res) {
        WebParams params;
        if (!read_params(req, res, params)) return;
        const auto t = api::query_time(first(params, "time"), clock_.now_ms());
        if (const auto* error = std::get_if<api::ApiError>(&t)) return fail(res, *error);
        // The history tier answers what the in-memory window no longer holds (and warns when aggregates did).
        const auto fanout = history_ ? history_->queryable(store_, options_.query_max_samples) : nullptr;
        const auto remote = remote_queryable();
        const storage::Queryable& source = fanout ? *fanout : remote ? *remote : static_cast<const storage::Queryable&>(store_);
        answer(params, res, [&](const promql::Expr& expr) { return engine_.instant_query(expr, source, std::get<TimestampMs>(t)); });
        if (fanout && res.status < 400) res.set_body(history::with_warnings(res.body(), fanout->warnings()), kJson);
      },
      route({"GET", "POST"}, "/api/"));
  router.add(
      "/api/v1/query_range",
      [this, answer, fail, read_params](const WebRequest& req, WebResponse& res) {
        WebParams params;
        if (!read_params(req, res, params)) return;
        const auto p = api::range_params(first(params, "start"), first(params, "end"), first(params, "step"));
        if (const auto* error = std::get_if<api::ApiError>(&p)) return fail(res, *error);
        const auto& r = std::get<api::RangeParams>(p);
        const auto fanout = history_ ? history_->queryable(store_, options_.query_max_samples, r.step_ms, r.end) : nullptr;
        const auto remote = remote_queryable();
        const storage::Queryable& source = fanout ? *fanout : remote ? *remote : static_cast<const storage::Queryable&>(store_);
        answer(params, res, [&](const promql::Expr& expr) { return engine_.range_query(expr, source, r.start, r.end, r.step_ms); });
        if (fanout && res.status < 400) res.set_body(history::with_warnings(res.body(), fanout->warnings()), kJson);
      },
      route({"GET", "POST"}, "/api/"));
  hub_->register_routes(router);
  if (auto* am = hub_->alertmanager_api()) amapi::add_alertmanager_routes(router, *am, kMaxBody);
  dashboard::add_dashboard_routes(router, dashboard_);
  if (historical_) {
    api::add_historical_routes(router, *historical_, [this](std::string_view key) -> std::optional<std::string> {
      const auto* kpi = config()->kpis.by_key(key);
      if (kpi == nullptr) return std::nullopt;
      return kpi->metric;
    });
  }
  if (rules_api_) rules_api::add_alert_rule_routes(router, *rules_api_);
  return router;
}

}  // namespace twikit::app
