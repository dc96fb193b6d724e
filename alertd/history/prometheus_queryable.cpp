#include "alertd/history/prometheus_queryable.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "alertd/history/fanout_queryable.h"

namespace twikit::history {
namespace {

// application/x-www-form-urlencoded, as a query parameter.
std::string form_encode(const std::string& s) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Whether object `obj` has `key` holding the string `expected` (is_string() then get_ref(): json::value()'s
// inlined conversion is reported by GCC 12 as a possible null dereference).
bool has_string(const nlohmann::json& obj, const char* key, const char* expected) {
  return obj.is_object() && obj.contains(key) && obj.at(key) == expected;
}

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

std::vector<storage::SeriesSamples> PrometheusQueryable::select(const std::vector<storage::LabelMatcher>& matchers,
                                                                TimestampMs mint, TimestampMs maxt) const {
  if (maxt < mint) return {};
  HttpRequest req;
  req.url = base_url_ + "/api/v1/query?query=" + form_encode(selector(matchers, mint, maxt)) + "&time=" + seconds_text(maxt);
  req.timeout = timeout_;
  req.max_body_bytes = 1U << 30;
  const HttpResponse res = client_.send(req);
  const std::string where = base_url_ + "/api/v1/query";
  if (!res.transport_ok()) throw RemoteHistoryError("history backend " + where + ": " + res.error_message);
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
  const nlohmann::json* result = nullptr;
  if (body.contains("data") && body["data"].is_object() && has_string(body["data"], "resultType", "matrix") &&
      body["data"].contains("result") && body["data"]["result"].is_array()) {
    result = &body["data"]["result"];
  }
  if (result == nullptr) throw RemoteHistoryError("history backend " + where + ": the answer is not a matrix");
  std::vector<storage::SeriesSamples> out;
  std::size_t total = 0;
  for (const auto& series : *result) {
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
      const TimestampMs t = std::llround(point[0].get<double>() * 1000.0);
      if (t < mint || t > maxt) continue;
      double v = 0;
      const std::string& text = point[1].get_ref<const std::string&>();  // is_string() checked above
      try {
        std::size_t used = 0;
        v = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
      } catch (const std::exception&) {
        if (text == "NaN") v = std::nan("");
        else if (text == "+Inf" || text == "Inf") v = HUGE_VAL;
        else if (text == "-Inf") v = -HUGE_VAL;
        else throw RemoteHistoryError("history backend " + where + ": a value that is not a number");
      }
      s.samples.push_back({t, v});
    }
    if (s.samples.empty()) continue;
    total += s.samples.size();
    if (max_samples_ != 0 && total > max_samples_) {
      throw std::runtime_error("query processing would load too many samples into memory in query execution");
    }
    const Labels sorted = make_labels(std::move(labels));
    s.hash = storage::labels_hash(sorted);
    s.labels = std::make_shared<const Labels>(sorted);
    out.push_back(std::move(s));
  }
  return out;
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
