// The App's HTTP routes: lifecycle (/-/healthy, /-/ready, /-/reload), /metrics, the Prometheus-shaped
// /api/v1/* endpoints, the notification hub's routes and a landing page.

#include <functional>
#include <variant>

#include "alertd/api/monitoring_json.h"
#include "alertd/api/prometheus_api.h"
#include "alertd/app/app.h"
#include "alertd/app/process_metrics.h"
#include "alertd/promql/parser.h"
#include "alertd/rules/alert_template.h"
#include "alertd/rules/api_json.h"
#include "common/exposition_response.h"
#include "common/logging.h"

namespace twikit::app {
namespace {

constexpr const char* kJson = "application/json";

const char* kLandingPage = R"(<!DOCTYPE html>
<html><head><title>alertd</title></head>
<body>
<h1>alertd</h1>
<p>Twikit's alerting daemon: scrapes Prometheus targets, evaluates Prometheus rule files, notifies.</p>
<ul>
<li><a href="/api/v1/alerts">/api/v1/alerts</a> — pending and firing alerts</li>
<li><a href="/api/v1/rules">/api/v1/rules</a> — rule groups and their health</li>
<li><a href="/api/v1/targets">/api/v1/targets</a> — scrape targets</li>
<li><a href="/api/v1/query?query=up">/api/v1/query?query=up</a> — instant PromQL queries</li>
<li>/api/v1/query_range?query=up&amp;start=…&amp;end=…&amp;step=15s — range PromQL queries</li>
<li><a href="/api/monitoring/alerts">/api/monitoring/alerts</a> — alert history and acknowledgements</li>
<li><a href="/metrics">/metrics</a> — alertd's own metrics</li>
<li><a href="/-/healthy">/-/healthy</a> · <a href="/-/ready">/-/ready</a></li>
</ul>
</body></html>
)";

std::vector<std::string> param_values(const httplib::Request& req, const std::string& key) {
  std::vector<std::string> out;
  const auto n = req.get_param_value_count(key.c_str());
  for (std::size_t i = 0; i < n; ++i) out.push_back(req.get_param_value(key.c_str(), i));
  return out;
}

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
    default: return status >= 500 ? "internal" : "bad_data";
  }
}

/// {"status":"error",...} with any invalid UTF-8 of `message` replaced, so that writing it cannot fail.
std::string api_error_body(int status, const std::string& message) {
  return nlohmann::json{{"status", "error"}, {"errorType", error_type(status)}, {"error", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

MetricFamily single(const char* name, const char* help, MetricType type, double value) {
  return MetricFamily{name, help, type, {{{}, value, "", std::nullopt}}};
}

}  // namespace

std::string App::metrics_text(ExpositionFormat format) const {
  std::vector<MetricFamily> families;
  collect_process_metrics(families);
  families.push_back(single("alertd_config_last_reload_successful", "Whether the last configuration reload attempt was successful.",
                            MetricType::gauge, last_reload_ok_ ? 1 : 0));
  families.push_back(single("alertd_config_last_reload_success_timestamp_seconds", "Timestamp of the last successful configuration reload.",
                            MetricType::gauge, last_reload_success_s_));
  families.push_back(single("alertd_config_reloads_total", "Configuration reloads attempted.", MetricType::counter,
                            static_cast<double>(reloads_total_)));
  families.push_back(single("alertd_config_reload_failures_total", "Configuration reloads that failed and kept the running configuration.",
                            MetricType::counter, static_cast<double>(reload_failures_total_)));
  families.push_back(single("alertd_rule_evaluation_cycles_total", "Rule evaluation cycles that evaluated at least one group.",
                            MetricType::counter, static_cast<double>(eval_cycles_total_)));
  families.push_back(single("alertd_rule_evaluation_cycle_seconds_total", "Time spent in rule evaluation cycles.",
                            MetricType::counter, eval_cycle_seconds_sum_));
  families.push_back(single("alertd_rule_evaluation_cycle_last_duration_seconds", "Duration of the last rule evaluation cycle.",
                            MetricType::gauge, eval_cycle_last_seconds_));
  families.push_back(single("alertd_notifications_alerts_handed_over_total", "Firing and resolved alerts handed to the notification side.",
                            MetricType::counter, static_cast<double>(alerts_sent_total_)));
  const rules::TemplateExpansionCounts expansions = rules::template_expansion_counts();
  families.push_back(single("alertd_template_text_expansions_total", "Alert template expansions.", MetricType::counter,
                            static_cast<double>(expansions.total)));
  families.push_back(single("alertd_template_text_expansion_failures_total",
                            "Alert template expansions that failed and gave \"<error expanding template: ...>\".",
                            MetricType::counter, static_cast<double>(expansions.failures)));
  families.push_back(single("alertd_storage_series", "Series held in the in-memory store.", MetricType::gauge,
                            static_cast<double>(store_.num_series())));
  families.push_back(single("alertd_storage_samples", "Samples held in the in-memory store (staleness markers included).",
                            MetricType::gauge, static_cast<double>(store_.num_samples())));
  families.push_back(single("alertd_storage_retention_series_dropped_total", "Series removed by retention.",
                            MetricType::counter, static_cast<double>(retention_series_dropped_)));
  if (rules_) {
    MetricFamily group_duration{"alertd_rule_group_last_duration_seconds", "Duration of the last evaluation of the rule group.",
                                MetricType::gauge, {}};
    MetricFamily group_last{"alertd_rule_group_last_evaluation_timestamp_seconds", "When the rule group was last evaluated.",
                            MetricType::gauge, {}};
    MetricFamily group_rules{"alertd_rule_group_rules", "Rules in the rule group.", MetricType::gauge, {}};
    MetricFamily group_failures{"alertd_rule_evaluation_failures_total", "Rule evaluations that failed, by rule group.",
                                MetricType::counter, {}};
    std::map<std::string, double> by_state{{"pending", 0}, {"firing", 0}};
    for (const auto& g : rules_->snapshot()) {
      const Labels labels = make_labels({{"rule_group", g.file + ";" + g.name}});
      group_duration.samples.push_back({labels, g.evaluation_seconds, "", std::nullopt});
      group_last.samples.push_back({labels, static_cast<double>(g.last_evaluation) / 1000.0, "", std::nullopt});
      group_rules.samples.push_back({labels, static_cast<double>(g.rules.size()), "", std::nullopt});
      group_failures.samples.push_back({labels, static_cast<double>(g.evaluation_failures), "", std::nullopt});
    }
    for (const auto& a : rules_->active_alerts()) by_state[rules::alert_state_name(a.state)] += 1;
    MetricFamily alerts{"alertd_rule_alerts", "Pending and firing alerts, by state.", MetricType::gauge, {}};
    for (const auto& [state, n] : by_state) alerts.samples.push_back({make_labels({{"state", state}}), n, "", std::nullopt});
    families.push_back(std::move(group_duration));
    families.push_back(std::move(group_last));
    families.push_back(std::move(group_rules));
    families.push_back(std::move(group_failures));
    families.push_back(std::move(alerts));
  }
  if (scrape_) scrape_->collect(families);
  if (history_) history_->collect(families);
  if (hub_) hub_->collect(families);
  std::string out;
  write_exposition(out, families, format);
  return out;
}

void App::register_routes() {
  httplib::Server& s = server_.raw();
  // httplib 0.11 cannot drop a connection whose request it refused before reading the body: on a kept-alive
  // connection it would read the unread body as the next request line, all of it. One request per
  // connection closes it after the refusal instead (the event-driven server replacing httplib keeps
  // connections alive and discards refused bodies itself).
  s.set_keep_alive_max_count(1);
  // Runs before a body is read: /-/reload and the monitoring API's mutations need the API token (an
  // unauthenticated 500 MB POST is refused after its headers), and /api/ parameters must be UTF-8.
  server_.set_request_guard([this](const httplib::Request& req, httplib::Response& res) {
    const bool api = req.path.rfind("/api/", 0) == 0;
    const bool mutating = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    const bool monitoring = req.path.rfind("/api/monitoring/", 0) == 0;
    if (mutating && (monitoring || req.path == "/-/reload")) {
      const std::string token = config()->web.api_bearer_token;
      int status = 0;
      std::string message;
      if (!token.empty()) {
        if (!bearer_matches(req.get_header_value("Authorization"), token)) {
          status = 401;
          message = "missing or wrong bearer token";
          res.set_header("WWW-Authenticate", "Bearer");
        }
      } else if (monitoring) {
        status = 403;
        message = "mutations are disabled: no API bearer token is configured";
      } else if (!options_.enable_lifecycle) {
        status = 403;
        message = "the lifecycle API is not enabled: set an API bearer token, or start alertd with --web.enable-lifecycle";
      }
      if (status != 0) {
        res.status = status;
        if (api) {
          res.set_content(api_error_body(status, message), kJson);
        } else {
          res.set_content(message + "\n", "text/plain; charset=utf-8");
        }
        return true;
      }
    }
    if (api) {
      if (const auto bad = api::invalid_utf8_param(req.params)) {
        res.status = 400;
        res.set_content(api_error_body(400, *bad), kJson);
        return true;
      }
    }
    return false;
  });
  // Answers the server gives on its own (413 for a body over the cap, 404, 411) get a body: JSON on /api/.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message = "HTTP status " + std::to_string(res.status);
    if (res.status == 404) message = "not found";
    if (res.status == 413) message = "request body larger than " + std::to_string(kDefaultMaxBodyBytes) + " bytes";
    if (req.path.rfind("/api/", 0) == 0) {
      res.set_content(api_error_body(res.status, message), kJson);
    } else {
      res.set_content(message + "\n", "text/plain; charset=utf-8");
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  // A handler that throws is a bug: log it once and answer 500 with a body, never an empty one.
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    logger("web")->error("msg=\"request handler failed\" method={} path={} err={}", req.method, logfmt_value(req.path),
                         logfmt_value(what));
    res.status = 500;
    res.set_content(api_error_body(500, "internal error; see alertd's log"), kJson);
  });
  s.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(kLandingPage, "text/html; charset=utf-8"); });
  s.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("alertd is Healthy.\n", "text/plain; charset=utf-8");
  });
  s.Get("/-/ready", [this](const httplib::Request&, httplib::Response& res) {
    if (ready_) {
      res.set_content("alertd is Ready.\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content("Service Unavailable\n", "text/plain; charset=utf-8");
    }
  });
  // The request guard above has checked the token (or --web.enable-lifecycle) before this runs.
  auto reload_handler = [this](const httplib::Request&, httplib::Response& res) {
    std::string error;
    if (reload(&error)) {
      res.set_content("", "text/plain; charset=utf-8");
    } else {
      res.status = 500;
      res.set_content("failed to reload config: " + error + "\n", "text/plain; charset=utf-8");
    }
  };
  s.Post("/-/reload", reload_handler);
  s.Put("/-/reload", reload_handler);
  s.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const ExpositionFormat format = negotiate_format(req.get_header_value("Accept"));
    send_exposition(req, res, metrics_text(format), format);
  });
  s.Get("/api/v1/rules", [this](const httplib::Request& req, httplib::Response& res) {
    rules::RulesFilter filter;
    filter.type = req.get_param_value("type");
    if (!filter.type.empty() && filter.type != "alert" && filter.type != "record") {
      res.status = 400;
      res.set_content(api::error_json("bad_data", "unsupported type \"" + filter.type + "\""), kJson);
      return;
    }
    filter.rule_names = param_values(req, "rule_name[]");
    filter.group_names = param_values(req, "rule_group[]");
    filter.files = param_values(req, "file[]");
    const std::string exclude = req.get_param_value("exclude_alerts");
    if (!exclude.empty() && exclude != "true" && exclude != "false") {
      res.status = 400;
      res.set_content(api::error_json("bad_data", "invalid parameter \"exclude_alerts\": expected true or false"), kJson);
      return;
    }
    filter.exclude_alerts = exclude == "true";
    res.set_content(rules::rules_response_json(rules_->snapshot(), filter), kJson);
  });
  s.Get("/api/v1/alerts", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(rules::alerts_response_json(rules_->active_alerts()), kJson);
  });
  s.Get("/api/v1/targets", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(api::targets_response_json(scrape_->targets()), kJson);
  });
  s.Get("/api/v1/status/buildinfo", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(R"({"status":"success","data":{"version":")") + TWIKIT_VERSION +
                        R"(","revision":"","branch":"","buildUser":"","buildDate":"","goVersion":""}})",
                    kJson);
  });
  // Parses the query parameter and answers with what `run` makes of it: 400 for a parse error, 422 when
  // the evaluation fails, 503 when it times out, as Prometheus does.
  const auto fail = [](httplib::Response& res, const api::ApiError& error) {
    res.status = error.status;
    res.set_content(api::error_json(error.type, error.message), kJson);
  };
  const auto answer = [fail](const httplib::Request& req, httplib::Response& res,
                             const std::function<promql::Value(const promql::Expr&)>& run) {
    promql::ExprPtr expr;
    try {
      expr = promql::parse(req.get_param_value("query"));
    } catch (const std::exception& e) {
      return fail(res, {400, "bad_data", std::string("invalid parameter \"query\": ") + e.what()});
    }
    try {
      res.set_content(api::query_response_json(run(*expr)), kJson);
    } catch (const std::exception& e) {
      fail(res, api::evaluation_error(e));
    }
  };
  // POSTed forms are parsed after the request guard ran: check their parameters here.
  const auto bad_utf8 = [](const httplib::Request& req, httplib::Response& res) {
    const auto problem = api::invalid_utf8_param(req.params);
    if (problem) {
      res.status = 400;
      res.set_content(api::error_json("bad_data", *problem), kJson);
    }
    return problem.has_value();
  };
  auto query_handler = [this, answer, fail, bad_utf8](const httplib::Request& req, httplib::Response& res) {
    if (bad_utf8(req, res)) return;
    const auto t = api::query_time(req.get_param_value("time"), clock_.now_ms());
    if (const auto* error = std::get_if<api::ApiError>(&t)) return fail(res, *error);
    const auto fanout = history_ ? history_->queryable(store_, options_.query_max_samples) : nullptr;
    const storage::Queryable& source = fanout ? static_cast<const storage::Queryable&>(*fanout) : store_;
    answer(req, res, [&](const promql::Expr& expr) { return engine_.instant_query(expr, source, std::get<TimestampMs>(t)); });
    if (fanout && res.status < 400) res.body = history::with_warnings(std::move(res.body), fanout->warnings());
  };
  s.Get("/api/v1/query", query_handler);
  s.Post("/api/v1/query", query_handler);
  auto range_handler = [this, answer, fail, bad_utf8](const httplib::Request& req, httplib::Response& res) {
    if (bad_utf8(req, res)) return;
    const auto p = api::range_params(req.get_param_value("start"), req.get_param_value("end"),
                                     req.get_param_value("step"));
    if (const auto* error = std::get_if<api::ApiError>(&p)) return fail(res, *error);
    const auto& r = std::get<api::RangeParams>(p);
    const auto fanout = history_ ? history_->queryable(store_, options_.query_max_samples) : nullptr;
    const storage::Queryable& source = fanout ? static_cast<const storage::Queryable&>(*fanout) : store_;
    answer(req, res, [&](const promql::Expr& expr) { return engine_.range_query(expr, source, r.start, r.end, r.step_ms); });
    if (fanout && res.status < 400) res.body = history::with_warnings(std::move(res.body), fanout->warnings());
  };
  s.Get("/api/v1/query_range", range_handler);
  s.Post("/api/v1/query_range", range_handler);
  hub_->register_routes(s);
}

}  // namespace twikit::app
