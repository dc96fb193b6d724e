#include "alertd/history/prometheus_queryable.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "alertd/history/fanout_queryable.h"
#include "common/query_escape.h"

namespace twikit::history {
namespace {

// Whether object `obj` has `key` holding the string `expected` (is_string() then get_ref(): json::value()'s
// inlined conversion is reported by GCC 12 as a possible null dereference).
bool has_string(const nlohmann::json& obj, const char* key, const char* expected) {
  return obj.is_object() && obj.contains(key) && obj.at(key) == expected;
}

// Points per series in one query_range request (Prometheus refuses more than 11,000).
constexpr std::int64_t kMaxPointsPerRequest = 10'000;

std::string seconds_text(TimestampMs t) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(t) / 1000.0);
  return buf;
}

}  // namespace

PrometheusQueryable::PrometheusQueryable(std::string base_url, HttpClient& client, std::chrono::milliseconds timeout,
                                         std::size_t max_samples)
    : base_url_(std::move(base_url)), client_(client), timeout_(timeout), max_samples_(max_samples) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string PrometheusQueryable::selector(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint,
                                          TimestampMs maxt) {
  std::string q = "{";
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) q += ',';
    q += matchers[i].to_string();
  }
  // One millisecond more than the range, so that `mint` is inside whether the server's range is closed at
  // its start (Prometheus 2) or open (Prometheus 3); samples before `mint` are dropped on arrival.
  q += "}[" + std::to_string(maxt - mint + 1) + "ms]";
  return q;
}

nlohmann::json PrometheusQueryable::get(const std::string& path, const std::string& query) const {
  HttpRequest req;
  req.url = base_url_ + path + "?" + query;
  req.timeout = timeout_;
  req.max_body_bytes = 1U << 30;
  const HttpResponse res = client_.send(req);
  const std::string where = base_url_ + path;
  if (!res.transport_ok()) throw RemoteHistoryError("history backend " + where + ": " + res.error_message, true);
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(res.body);
  } catch (const nlohmann::json::exception&) {
    throw RemoteHistoryError("history backend " + where + ": HTTP " + std::to_string(res.status) + ", not Prometheus' JSON");
  }
  if (res.status != 200 || !has_string(body, "status", "success")) {
    std::string error = "no error message";
    if (body.is_object() && body.contains("error") && body.at("error").is_string()) {
      error = body.at("error").get_ref<const std::string&>();
    }
    throw RemoteHistoryError("history backend " + where + ": HTTP " + std::to_string(res.status) + ": " + error);
  }
  if (!body.contains("data")) throw RemoteHistoryError("history backend " + where + ": an answer without data");
  return std::move(body["data"]);
}

namespace {

double parse_value(const std::string& text, const std::string& where) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  if (text == "NaN") return std::nan("");
  if (text == "+Inf" || text == "Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  throw RemoteHistoryError("history backend " + where + ": a value that is not a number");
}

// The series of a matrix answer (`data`), each point's time moved by `shift_ms` and kept when in [mint, maxt];
// more than `max_samples` (0: no limit) in all throws Prometheus' too-many-samples error.
std::vector<storage::SeriesSamples> parse_matrix(const nlohmann::json& data, const std::string& where, TimestampMs mint,
                                                 TimestampMs maxt, std::int64_t shift_ms, std::size_t max_samples) {
  if (!data.is_object() || !has_string(data, "resultType", "matrix") || !data.contains("result") ||
      !data.at("result").is_array()) {
    throw RemoteHistoryError("history backend " + where + ": the answer is not a matrix");
  }
  std::vector<storage::SeriesSamples> out;
  std::size_t total = 0;
  for (const auto& series : data.at("result")) {
    if (!series.is_object() || !series.contains("metric") || !series["metric"].is_object() || !series.contains("values") ||
        !series["values"].is_array()) {
      throw RemoteHistoryError("history backend " + where + ": a series without metric or values");
    }
    std::vector<Label> labels;
    for (const auto& [name, value] : series["metric"].items()) {
      if (!value.is_string()) throw RemoteHistoryError("history backend " + where + ": a label value that is not a string");
      labels.emplace_back(name, value.get_ref<const std::string&>());
    }
    storage::SeriesSamples s;
    for (const auto& point : series["values"]) {
      if (!point.is_array() || point.size() != 2 || !point[0].is_number() || !point[1].is_string()) {
        throw RemoteHistoryError("history backend " + where + ": a point that is not [time, \"value\"]");
      }
      const TimestampMs t = std::llround(point[0].get<double>() * 1000.0) + shift_ms;
      if (t < mint || t > maxt) continue;
      s.samples.push_back({t, parse_value(point[1].get_ref<const std::string&>(), where)});
    }
    if (s.samples.empty()) continue;
    total += s.samples.size();
    if (max_samples != 0 && total > max_samples) {
      throw std::runtime_error("query processing would load too many samples into memory in query execution");
    }
    const Labels sorted = make_labels(std::move(labels));
    s.hash = storage::labels_hash(sorted);
    s.labels = std::make_shared<const Labels>(sorted);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::vector<storage::SeriesSamples> PrometheusQueryable::select(const std::vector<storage::LabelMatcher>& matchers,
                                                                TimestampMs mint, TimestampMs maxt) const {
  if (maxt < mint) return {};
  const nlohmann::json data =
      get("/api/v1/query", "query=" + query_escape(selector(matchers, mint, maxt)) + "&time=" + seconds_text(maxt));
  return parse_matrix(data, base_url_ + "/api/v1/query", mint, maxt, 0, max_samples_);
}

std::vector<storage::SeriesSamples> PrometheusQueryable::over_time(const std::string& function,
                                                                   const std::vector<storage::LabelMatcher>& matchers,
                                                                   TimestampMs first_bucket, TimestampMs last_bucket,
                                                                   std::int64_t step_ms) const {
  if (last_bucket < first_bucket || step_ms <= 1) return {};
  std::string q = function + "({";
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) q += ',';
    q += matchers[i].to_string();
  }
  q += "}[" + std::to_string(step_ms - 1) + "ms])";
  // Prometheus answers at most 11,000 points per series and query: longer ranges are asked in pieces.
  std::map<Labels, std::vector<storage::Sample>> merged;
  for (TimestampMs first = first_bucket; first <= last_bucket; first += kMaxPointsPerRequest * step_ms) {
    const TimestampMs last = std::min(last_bucket, first + (kMaxPointsPerRequest - 1) * step_ms);
    const nlohmann::json data =
        get("/api/v1/query_range", "query=" + query_escape(q) + "&start=" + seconds_text(first + step_ms - 1) +
                                       "&end=" + seconds_text(last + step_ms - 1) + "&step=" + seconds_text(step_ms));
    for (auto& s : parse_matrix(data, base_url_ + "/api/v1/query_range", first, last, -(step_ms - 1), max_samples_)) {
      append_after(merged[*s.labels], s.samples);
    }
  }
  return merged_series(merged);
}

bool PrometheusQueryable::has_metric(const std::string& metric) const {
  const storage::LabelMatcher name(storage::MatchType::eq, "__name__", metric);
  std::string selector = "{";  // appended, not "{" + …: GCC 12 -O3 warns (-Wrestrict) on the operator+ form
  selector += name.to_string();
  selector += '}';
  const nlohmann::json data = get("/api/v1/label/__name__/values", "match[]=" + query_escape(selector));
  if (!data.is_array()) {
    throw RemoteHistoryError("history backend " + base_url_ + "/api/v1/label/__name__/values: the answer is not a list");
  }
  for (const auto& v : data) {
    if (v.is_string() && v.get_ref<const std::string&>() == metric) return true;
  }
  return false;
}

std::vector<storage::SeriesSamples> TwoTierQueryable::select(const std::vector<storage::LabelMatcher>& matchers,
                                                             TimestampMs mint, TimestampMs maxt) const {
  if (mint >= memory_start_ || maxt < mint) return memory_.select(matchers, mint, maxt);
  std::map<Labels, std::vector<storage::Sample>> merged;
  for (auto& s : older_.select(matchers, mint, std::min(maxt, memory_start_ - 1))) {
    merged[*s.labels] = std::move(s.samples);
  }
  if (maxt >= memory_start_) {
    for (auto& s : memory_.select(matchers, memory_start_, maxt)) append_after(merged[*s.labels], s.samples);
  }
  return merged_series(merged);
}

}  // namespace twikit::history
