#include "alertd/api/historical_api.h"

#include <cmath>
#include <limits>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "alertd/api/prometheus_api.h"
#include "alertd/history/aggregate.h"
#include "alertd/history/prometheus_queryable.h"
#include "alertd/promql/ast.h"
#include "alertd/promql/parser.h"
#include "common/json_text.h"
#include "common/rfc3339.h"

namespace twikit::api {
namespace {

constexpr std::string_view kPrefix = "/api/monitoring/historical/";
constexpr const char* kJson = "application/json";
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kDefaultRangeMs = kHourMs;

const std::set<std::string, std::less<>> kParams = {"from", "to", "startDate", "endDate", "step", "resolution",
                                                   "aggregation", "filter"};
const std::set<std::string, std::less<>> kAggregations = {"raw", "avg", "min", "max", "sum", "count", "last"};

/// A request that cannot be answered: its status and message.
struct Refusal {
  int status;
  std::string message;
};

WebResponse error_response(const Refusal& r) {
  WebResponse res;
  res.status = r.status;
  res.set_body(error_json(r.status == 404 ? "not_found" : "bad_data", r.message), kJson);
  return res;
}

std::string duration_text(std::int64_t ms) {
  if (ms % kDayMs == 0) return std::to_string(ms / kDayMs) + "d";
  if (ms % kHourMs == 0) return std::to_string(ms / kHourMs) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  return std::to_string(ms / 1000) + "s";
}

// JSON has no NaN or infinity: those are written as Prometheus spells them, as strings.
nlohmann::ordered_json json_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return v;
}

// [unix seconds, value]: whole seconds as an integer, else with the milliseconds as a fraction.
nlohmann::ordered_json point(TimestampMs t, double v) {
  if (t % 1000 == 0) return nlohmann::ordered_json::array({t / 1000, json_value(v)});
  return nlohmann::ordered_json::array({static_cast<double>(t) / 1000.0, json_value(v)});
}

nlohmann::ordered_json labels_json(const Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] : labels) out[name] = value;
  return out;
}

Refusal too_many_raw(const HistoricalApiOptions& options, std::int64_t interval_ms) {
  return {400, "exceeded maximum resolution of " + std::to_string(options.max_points) +
                   " points per series in raw samples; use resolution=" + duration_text(interval_ms) +
                   " or a shorter range"};
}

history::Aggregation aggregation_of(const std::string& name) {
  if (name == "min") return history::Aggregation::min;
  if (name == "max") return history::Aggregation::max;
  if (name == "sum") return history::Aggregation::sum;
  if (name == "count") return history::Aggregation::count;
  if (name == "last") return history::Aggregation::last;
  return history::Aggregation::avg;
}

/// The parsed parameters of one request.
struct Query {
  std::string key;     // :metric as asked
  std::string metric;  // the metric name it stands for
  std::vector<storage::LabelMatcher> matchers;
  TimestampMs from = 0;
  TimestampMs to = 0;
  std::string aggregation = "avg";
  std::int64_t step_ms = 0;  // 0 = raw samples
};

std::optional<std::string> first_param(const WebRequest& req, const char* a, const char* b) {
  if (auto v = req.param(a)) return v;
  return req.param(b);
}

std::variant<Query, Refusal> parse(const WebRequest& req, const history::HistoricalSource& source, const KpiResolver& resolver,
                                   const HistoricalApiOptions& options) {
  Query q;
  q.key = req.path.substr(kPrefix.size());
  if (q.key.empty() || q.key.find('/') != std::string::npos) return Refusal{404, "not found"};
  std::optional<std::string> resolved = resolver ? resolver(q.key) : std::nullopt;
  q.metric = resolved ? *resolved : q.key;
  if (!is_valid_metric_name(q.metric)) {
    return Refusal{404, "unknown metric \"" + q.key + "\": neither a KPI key nor a metric name"};
  }
  const TimestampMs now = source.now();
  const auto time_param = [](const std::optional<std::string>& text, const char* name,
                             TimestampMs fallback) -> std::variant<TimestampMs, Refusal> {
    if (!text) return fallback;
    if (auto t = parse_time_param(*text)) return *t;
    return Refusal{400, std::string("invalid parameter \"") + name + "\": expected RFC 3339 or Unix seconds, got \"" +
                            *text + "\""};
  };
  const auto to = time_param(first_param(req, "to", "endDate"), "to", now);
  if (const auto* r = std::get_if<Refusal>(&to)) return *r;
  q.to = std::get<TimestampMs>(to);
  const auto from = time_param(first_param(req, "from", "startDate"), "from", q.to - kDefaultRangeMs);
  if (const auto* r = std::get_if<Refusal>(&from)) return *r;
  q.from = std::get<TimestampMs>(from);
  if (q.to < q.from) return Refusal{400, "invalid parameter \"to\": end time before start time"};

  if (auto a = req.param("aggregation")) {
    if (!kAggregations.count(*a)) {
      return Refusal{400, "invalid parameter \"aggregation\": \"" + *a + "\" is not one of raw, avg, min, max, sum, count, last"};
    }
    q.aggregation = *a;
  }
  const std::int64_t interval = source.aggregation_interval_ms();
  const std::optional<std::string> resolution = first_param(req, "resolution", "step");
  if (resolution && *resolution != "raw") {
    const auto ms = parse_duration_param(*resolution);
    if (!ms || *ms <= 0 || *ms % interval != 0) {
      return Refusal{400, "invalid parameter \"resolution\": expected raw or a multiple of the aggregation interval (" +
                              duration_text(interval) + "), got \"" + *resolution + "\""};
    }
    if (q.aggregation == "raw") {
      return Refusal{400, "invalid parameter \"aggregation\": raw asks for raw samples, not " + *resolution + " buckets"};
    }
    q.step_ms = *ms;
  } else if (resolution || q.aggregation == "raw") {
    q.aggregation = "raw";
  } else {
    // Automatic: the finest of the interval, 1h and 1d that stays within the point limit.
    for (const std::int64_t step : {interval, std::max(interval, kHourMs), std::max(interval, kDayMs)}) {
      q.step_ms = step;
      const auto buckets = static_cast<std::uint64_t>((history::bucket_start(q.to, step) - history::bucket_start(q.from, step)) / step) + 1;
      if (buckets <= options.max_points) break;
    }
  }
  if (q.step_ms > 0) {
    const std::int64_t first = history::bucket_start(q.from, q.step_ms);
    const std::int64_t last = history::bucket_start(q.to, q.step_ms);
    const std::uint64_t buckets = static_cast<std::uint64_t>(last / q.step_ms - first / q.step_ms) + 1;
    if (buckets > options.max_points) {
      return Refusal{400, "exceeded maximum resolution of " + std::to_string(options.max_points) +
                              " points per series: " + std::to_string(buckets) + " buckets of " +
                              duration_text(q.step_ms) + "; try a coarser resolution or a shorter range"};
    }
  }

  std::string selector = q.metric;
  if (auto f = req.param("filter")) selector += *f;
  try {
    const promql::ExprPtr expr = promql::parse(selector);
    const auto* vs = dynamic_cast<const promql::VectorSelector*>(expr.get());
    if (!vs || vs->offset_ms != 0 || vs->at != promql::AtKind::none) {
      return Refusal{400, "invalid parameter \"filter\": expected label matchers such as {service=\"x\"}"};
    }
    q.matchers = vs->matchers;
  } catch (const std::exception& e) {
    return Refusal{400, std::string("invalid parameter \"filter\": ") + e.what()};
  }
  for (const auto& [name, value] : req.query) {
    if (kParams.count(name)) continue;
    if (!is_valid_label_name(name)) return Refusal{400, "invalid parameter \"" + name + "\": not a label name"};
    q.matchers.emplace_back(storage::MatchType::eq, name, value);
  }
  if (!source.has_metric(q.metric)) {
    return Refusal{404, "unknown metric \"" + q.key + "\": no series named \"" + q.metric + "\" in the history"};
  }
  return q;
}

}  // namespace

WebResponse historical_response(const WebRequest& request, const history::HistoricalSource& source,
                                const KpiResolver& resolver, const HistoricalApiOptions& options) {
  try {
    const auto parsed = parse(request, source, resolver, options);
    if (const auto* r = std::get_if<Refusal>(&parsed)) return error_response(*r);
    const Query& q = std::get<Query>(parsed);
    nlohmann::ordered_json series = nlohmann::ordered_json::array();
    if (q.step_ms == 0) {
      std::vector<storage::SeriesSamples> selected;
      try {
        selected = source.raw(q.matchers, q.from, q.to, options.max_points);
      } catch (const history::TooManySamplesError&) {
        return error_response(too_many_raw(options, source.aggregation_interval_ms()));
      }
      for (const auto& s : selected) {
        nlohmann::ordered_json points = nlohmann::ordered_json::array();
        std::size_t n = 0;
        for (const storage::Sample& sample : s.samples) {
          if (storage::is_stale_marker(sample.v)) continue;
          if (++n > options.max_points) return error_response(too_many_raw(options, source.aggregation_interval_ms()));
          points.push_back(point(sample.t, sample.v));
        }
        if (!points.empty()) series.push_back({{"labels", labels_json(*s.labels)}, {"points", std::move(points)}});
      }
    } else {
      for (const auto& s : source.buckets(q.matchers, q.from, q.to, q.step_ms, aggregation_of(q.aggregation))) {
        nlohmann::ordered_json points = nlohmann::ordered_json::array();
        for (const storage::Sample& p : s.points) points.push_back(point(p.t, p.v));
        if (!points.empty()) series.push_back({{"labels", labels_json(s.labels)}, {"points", std::move(points)}});
      }
    }
    nlohmann::ordered_json data;
    data["metric"] = q.metric;
    if (q.metric != q.key) data["key"] = q.key;
    data["resolution"] = q.step_ms == 0 ? "raw" : duration_text(q.step_ms);
    data["aggregation"] = q.aggregation;
    data["series"] = std::move(series);
    data["warnings"] = source.warnings(q.from, q.step_ms == 0);
    WebResponse res;
    res.set_body(safe_dump(nlohmann::ordered_json{{"status", "success"}, {"data", std::move(data)}}), kJson);
    return res;
  } catch (const history::RemoteHistoryError& e) {
    // The backend, not the request, failed: Prometheus' own words for a failed upstream.
    WebResponse res;
    res.status = e.unreachable() ? 503 : 502;
    res.set_body(error_json("unavailable", e.what()), kJson);
    return res;
  }
}

void add_historical_routes(WebRouter& router, const history::HistoricalSource& source, KpiResolver resolver,
                           HistoricalApiOptions options) {
  WebRouteOptions route;
  route.methods = {"GET"};
  route.errors = WebErrorFormat::json;
  router.add_prefix(std::string(kPrefix),
                    [&source, resolver = std::move(resolver), options](const WebRequest& req, WebResponse& res) {
                      res = historical_response(req, source, resolver, options);
                    },
                    route);
}

}  // namespace twikit::api
