#include "alertd/promql/engine.h"

#include <algorithm>
#include <unordered_map>

#include "alertd/promql/evaluator.h"
#include "alertd/promql/parser.h"

namespace twikit::promql {
namespace {

// Delayed `__name__` removal: names flagged for dropping go only once the whole expression is done,
// which is when two series may turn out to share a label set.
Vector finish_vector(EVector& in, TimestampMs t) {
  for (auto& s : in) {
    if (s.drop_name) {
      drop_metric_name(s.labels);
      s.drop_name = false;
    }
  }
  check_unique_labelsets(in);
  Vector out;
  out.reserve(in.size());
  for (auto& s : in) out.push_back(Sample{std::move(s.labels), s.v, t});
  return out;
}

Matrix finish_matrix(EMatrix& in) {
  // Series whose label sets coincide after dropping names are merged when their points do not overlap.
  Matrix out;
  std::unordered_multimap<std::uint64_t, std::size_t> index;
  for (auto& s : in) {
    if (s.drop_name) drop_metric_name(s.labels);
    const std::uint64_t h = storage::labels_hash(s.labels);
    std::size_t idx = out.size();
    auto [lo, hi] = index.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      if (out[it->second].labels == s.labels) idx = it->second;
    }
    if (idx == out.size()) {
      Series ns;
      ns.labels = std::move(s.labels);
      ns.points.reserve(s.points.size());
      for (const auto& p : s.points) ns.points.push_back({p.t, p.v});
      out.push_back(std::move(ns));
      index.emplace(h, idx);
      continue;
    }
    auto& pts = out[idx].points;
    for (const auto& p : s.points) {
      auto it = std::lower_bound(pts.begin(), pts.end(), p.t, [](const Point& a, TimestampMs x) { return a.t < x; });
      if (it != pts.end() && it->t == p.t) throw EvalError("vector cannot contain metrics with the same labelset");
      pts.insert(it, Point{p.t, p.v});
    }
  }
  std::sort(out.begin(), out.end(), [](const Series& a, const Series& b) { return a.labels < b.labels; });
  return out;
}

}  // namespace

Value Engine::instant_query(const Expr& expr, const storage::Queryable& store, TimestampMs t) const {
  Evaluator ev(options_, store, t, t);
  EValue v = ev.eval(expr, t);
  Value out;
  out.type = v.type;
  out.timestamp = t;
  switch (v.type) {
    case ValueType::scalar: out.scalar = v.scalar; break;
    case ValueType::string: out.string = std::move(v.str); break;
    case ValueType::vector: out.vector = finish_vector(v.vec, t); break;
    case ValueType::matrix: out.matrix = finish_matrix(v.mat); break;
    case ValueType::none: break;
  }
  out.warnings = ev.warnings();
  return out;
}

Value Engine::range_query(const Expr& expr, const storage::Queryable& store, TimestampMs start, TimestampMs end,
                          std::int64_t step_ms) const {
  if (step_ms <= 0) throw EvalError("zero or negative query resolution step widths are not accepted");
  if (end < start) throw EvalError("end timestamp must not be before start time");
  // end - start in uint64 is exact for any start <= end (the difference may not fit int64).
  const std::uint64_t steps =
      (static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start)) / static_cast<std::uint64_t>(step_ms);
  if (steps > kMaxRangeSteps)
    throw EvalError("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
  const ValueType type = expr.type();
  if (type != ValueType::scalar && type != ValueType::vector)
    throw EvalError(std::string("invalid expression type \"") + value_type_name(type) +
                    "\" for range query, must be Scalar or instant Vector");
  Evaluator ev(options_, store, start, end);
  EMatrix series;
  std::unordered_multimap<std::uint64_t, std::size_t> index;
  std::size_t points = 0;  // in the result so far: held across steps, as a step's inputs are not
  for (std::uint64_t i = 0; i <= steps; ++i) {
    const auto t = static_cast<TimestampMs>(static_cast<std::uint64_t>(start) + i * static_cast<std::uint64_t>(step_ms));
    ev.set_samples(points);
    EValue v = ev.eval(expr, t);
    points += v.type == ValueType::scalar ? 1 : v.vec.size();
    ev.set_samples(points);
    ev.count_samples(0);
    if (v.type == ValueType::scalar) {
      if (series.empty()) series.push_back(ESeries{});
      series[0].points.push_back({t, v.scalar});
      continue;
    }
    for (auto& s : v.vec) {
      const std::uint64_t h = storage::labels_hash(s.labels);
      std::size_t idx = series.size();
      auto [lo, hi] = index.equal_range(h);
      for (auto it = lo; it != hi; ++it) {
        if (series[it->second].labels == s.labels) idx = it->second;
      }
      if (idx == series.size()) {
        series.push_back(ESeries{std::move(s.labels), {}, s.drop_name});
        index.emplace(h, idx);
      } else if (!series[idx].points.empty() && series[idx].points.back().t == t) {
        throw EvalError("vector cannot contain metrics with the same labelset");
      }
      series[idx].points.push_back({t, s.v});
      series[idx].drop_name = series[idx].drop_name || s.drop_name;
    }
  }
  Value out;
  out.type = ValueType::matrix;
  out.timestamp = end;
  out.matrix = finish_matrix(series);
  out.warnings = ev.warnings();
  return out;
}

Value instant_query(std::string_view query, const storage::Queryable& store, TimestampMs t) {
  ExprPtr e = parse(query);
  return Engine().instant_query(*e, store, t);
}

}  // namespace twikit::promql
