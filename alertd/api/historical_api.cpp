#include "alertd/api/historical_api.h"

#include <cmath>
#include <limits>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "alertd/api/prometheus_api.h"
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

double bucket_value(const history::Aggregate& a, const std::string& aggregation) {
  if (aggregation == "min") return a.min;
  if (aggregation == "max") return a.max;
  if (aggregation == "sum") return a.sum;
  if (aggregation == "count") return a.count;
  if (aggregation == "last") return a.last;
  return a.sum / a.count;  // avg
}

Refusal too_many_raw(const HistoricalApiOptions& options, const history::HistoryOptions& ho) {
  return {400, "exceeded maximum resolution of " + std::to_string(options.max_points) +
                   " points per series in raw samples; use resolution=" + duration_text(ho.aggregation_interval_ms) +
                   " or a shorter range"};
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

std::variant<Query, Refusal> parse(const WebRequest& req, history::HistoryTier& tier, const KpiResolver& resolver,
                                   const HistoricalApiOptions& options) {
  Query q;
  q.key = req.path.substr(kPrefix.size());
  if (q.key.empty() || q.key.find('/') != std::string::npos) return Refusal{404, "not found"};
  std::optional<std::string> resolved = resolver ? resolver(q.key) : std::nullopt;
  q.metric = resolved ? *resolved : q.key;
  if (!is_valid_metric_name(q.metric)) {
    return Refusal{404, "unknown metric \"" + q.key + "\": neither a KPI key nor a metric name"};
  }
  const TimestampMs now = tier.clock().now_ms();
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
  const std::int64_t interval = tier.store().options().aggregation_interval_ms;
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
  if (tier.store().series({storage::LabelMatcher(storage::MatchType::eq, "__name__", q.metric)}).empty()) {
    return Refusal{404, "unknown metric \"" + q.key + "\": no series named \"" + q.metric + "\" in the history"};
  }
  return q;
}

}  // namespace

WebResponse historical_response(const WebRequest& request, history::HistoryTier& tier, const storage::Queryable& memory,
                                const KpiResolver& resolver, const HistoricalApiOptions& options) {
  const auto parsed = parse(request, tier, resolver, options);
  if (const auto* r = std::get_if<Refusal>(&parsed)) return error_response(*r);
  const Query& q = std::get<Query>(parsed);
  const history::TierBounds bounds = tier.bounds();
  const history::HistoryOptions& ho = tier.store().options();
  nlohmann::ordered_json series = nlohmann::ordered_json::array();
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  if (q.step_ms == 0) {
    // Raw samples only: no aggregates stand in for deleted raw data.
    history::TierBounds raw_only = bounds;
    raw_only.raw_start = std::numeric_limits<TimestampMs>::min();
    // At most max_points per series is read (one more tells that a series has too many).
    const std::size_t series_count = tier.store().series(q.matchers).size();
    const history::FanoutQueryable queryable(memory, tier.store(), raw_only, series_count * options.max_points + 1);
    std::vector<storage::SeriesSamples> selected;
    try {
      selected = queryable.select(q.matchers, q.from, q.to);
    } catch (const std::runtime_error&) {
      return error_response(too_many_raw(options, ho));
    }
    for (const auto& s : selected) {
      nlohmann::ordered_json points = nlohmann::ordered_json::array();
      std::size_t n = 0;
      for (const storage::Sample& sample : s.samples) {
        if (storage::is_stale_marker(sample.v)) continue;
        if (++n > options.max_points) return error_response(too_many_raw(options, ho));
        points.push_back(point(sample.t, sample.v));
      }
      if (!points.empty()) series.push_back({{"labels", labels_json(*s.labels)}, {"points", std::move(points)}});
    }
    if (q.from < bounds.raw_start) {
      warnings.push_back("raw samples are kept for " + duration_text(ho.raw_retention_ms) + ": none before " +
                         format_rfc3339(bounds.raw_start) + "; ask for resolution=" +
                         duration_text(ho.aggregation_interval_ms) + " to see older data");
    }
  } else {
    for (const auto& s : tier.store().select_aggregated(q.matchers, q.from, q.to, q.step_ms)) {
      nlohmann::ordered_json points = nlohmann::ordered_json::array();
      for (const history::Aggregate& a : s.buckets) {
        if (a.count > 0) points.push_back(point(a.start, bucket_value(a, q.aggregation)));
      }
      if (!points.empty()) series.push_back({{"labels", labels_json(s.labels)}, {"points", std::move(points)}});
    }
    const TimestampMs aggregate_start = tier.clock().now_ms() - ho.aggregated_retention_ms;
    if (q.from < aggregate_start) {
      warnings.push_back("aggregates are kept for " + duration_text(ho.aggregated_retention_ms) + ": none before " +
                         format_rfc3339(aggregate_start));
    }
  }
  nlohmann::ordered_json data;
  data["metric"] = q.metric;
  if (q.metric != q.key) data["key"] = q.key;
  data["resolution"] = q.step_ms == 0 ? "raw" : duration_text(q.step_ms);
  data["aggregation"] = q.aggregation;
  data["series"] = std::move(series);
  data["warnings"] = std::move(warnings);
  WebResponse res;
  res.set_body(safe_dump(nlohmann::ordered_json{{"status", "success"}, {"data", std::move(data)}}), kJson);
  return res;
}

void add_historical_routes(WebRouter& router, history::HistoryTier& tier, const storage::Queryable& memory,
                           KpiResolver resolver, HistoricalApiOptions options) {
  WebRouteOptions route;
  route.methods = {"GET"};
  route.errors = WebErrorFormat::json;
  router.add_prefix(std::string(kPrefix),
                    [&tier, &memory, resolver = std::move(resolver), options](const WebRequest& req, WebResponse& res) {
                      res = historical_response(req, tier, memory, resolver, options);
                    },
                    route);
}

}  // namespace twikit::api
