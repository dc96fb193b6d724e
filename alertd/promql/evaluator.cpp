#include "alertd/promql/evaluator.h"

#include <algorithm>
#include <unordered_map>

#include "alertd/promql/functions.h"

namespace twikit::promql {

void drop_metric_name(Labels& labels) {
  if (!labels.empty() && labels.front().first <= "__name__") {
    auto it = std::find_if(labels.begin(), labels.end(), [](const Label& l) { return l.first == "__name__"; });
    if (it != labels.end()) labels.erase(it);
  }
}

void check_unique_labelsets(const EVector& v) {
  if (v.size() < 2) return;
  std::unordered_multimap<std::uint64_t, std::size_t> seen;
  seen.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::uint64_t h = storage::labels_hash(v[i].labels);
    auto [lo, hi] = seen.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      if (v[it->second].labels == v[i].labels) throw EvalError("vector cannot contain metrics with the same labelset");
    }
    seen.emplace(h, i);
  }
}

double quantile_of(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return std::nan("");
  if (q < 0) return -INFINITY;
  if (q > 1) return INFINITY;
  // NaN sorts first, as Go's sort.Float64s orders it.
  std::sort(values.begin(), values.end(), [](double a, double b) { return std::isnan(a) ? !std::isnan(b) : a < b; });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower_d = std::max(0.0, std::floor(rank));
  const auto lower = static_cast<std::size_t>(lower_d);
  const std::size_t upper = std::min(values.size() - 1, lower + 1);
  const double weight = rank - lower_d;
  return values[lower] * (1 - weight) + values[upper] * weight;
}

TimestampMs Evaluator::resolve_at(AtKind at, TimestampMs at_ms, TimestampMs t) const {
  switch (at) {
    case AtKind::none: return t;
    case AtKind::timestamp: return at_ms;
    case AtKind::start: return start_;
    case AtKind::end: return end_;
  }
  return t;
}

void Evaluator::warn(const std::string& message, PosRange pos) {
  std::string w = "PromQL warning: " + message + " (1:" + std::to_string(pos.start + 1) + ")";
  if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) warnings_.push_back(std::move(w));
}

void Evaluator::count_samples(std::size_t n) {
  samples_ += n;
  if (samples_ > opts_.max_samples)
    throw EvalError("query processing would load too many samples into memory in query execution");
}

EVector Evaluator::eval_selector(const VectorSelector& vs, TimestampMs t) {
  const TimestampMs ts = resolve_at(vs.at, vs.at_ms, t) - vs.offset_ms;
  // Left-open lookback window (ts - lookback, ts], as in Prometheus 3.
  auto series = store_.select_latest(vs.matchers, ts - opts_.lookback_delta_ms + 1, ts);
  count_samples(series.size());
  EVector out;
  out.reserve(series.size());
  for (auto& s : series) {
    const storage::Sample& last = s.samples.back();
    if (storage::is_stale_marker(last.v)) continue;
    out.push_back(ESample{*s.labels, last.v, last.t, false});
  }
  return out;
}

EMatrix Evaluator::eval_matrix_selector(const MatrixSelector& ms, TimestampMs t) {
  const VectorSelector& vs = ms.selector();
  const TimestampMs ts = resolve_at(vs.at, vs.at_ms, t) - vs.offset_ms;
  auto series = store_.select(vs.matchers, ts - ms.range_ms + 1, ts);
  EMatrix out;
  out.reserve(series.size());
  for (auto& s : series) {
    count_samples(s.samples.size());
    ESeries es;
    es.points = std::move(s.samples);
    es.points.erase(std::remove_if(es.points.begin(), es.points.end(),
                                   [](const storage::Sample& p) { return storage::is_stale_marker(p.v); }),
                    es.points.end());
    if (es.points.empty()) continue;
    es.labels = *s.labels;
    out.push_back(std::move(es));
  }
  return out;
}

EMatrix Evaluator::eval_subquery(const SubqueryExpr& sq, TimestampMs t) {
  const TimestampMs end = resolve_at(sq.at, sq.at_ms, t) - sq.offset_ms;
  const std::int64_t step = sq.step_ms > 0 ? sq.step_ms : opts_.default_subquery_step_ms;
  const TimestampMs mint = end - sq.range_ms;
  TimestampMs start = mint / step * step;
  if (start > mint) start -= step;  // floor division for negative times
  while (start <= mint) start += step;
  if ((end - start) / step > 1'000'000) throw EvalError("subquery would evaluate more than 1,000,000 steps");
  EMatrix out;
  std::unordered_multimap<std::uint64_t, std::size_t> index;
  for (TimestampMs ts = start; ts <= end; ts += step) {
    EValue v = eval(*sq.expr, ts);
    for (auto& s : v.vec) {
      const std::uint64_t h = storage::labels_hash(s.labels);
      std::size_t idx = out.size();
      auto [lo, hi] = index.equal_range(h);
      for (auto it = lo; it != hi; ++it) {
        if (out[it->second].labels == s.labels) idx = it->second;
      }
      if (idx == out.size()) {
        out.push_back(ESeries{std::move(s.labels), {}, s.drop_name});
        index.emplace(h, idx);
      }
      out[idx].points.push_back({ts, s.v});
      out[idx].drop_name = out[idx].drop_name || s.drop_name;
    }
  }
  return out;
}

EMatrix Evaluator::eval_range(const Expr& e, TimestampMs t) {
  switch (e.kind) {
    case ExprKind::matrix_selector: return eval_matrix_selector(static_cast<const MatrixSelector&>(e), t);
    case ExprKind::subquery: return eval_subquery(static_cast<const SubqueryExpr&>(e), t);
    case ExprKind::paren: return eval_range(*static_cast<const ParenExpr&>(e).expr, t);
    default: throw EvalError("expected range vector expression");
  }
}

EValue Evaluator::eval(const Expr& e, TimestampMs t) {
  switch (e.kind) {
    case ExprKind::number_literal: return EValue::of_scalar(static_cast<const NumberLiteral&>(e).value);
    case ExprKind::string_literal: {
      EValue r;
      r.type = ValueType::string;
      r.str = static_cast<const StringLiteral&>(e).value;
      return r;
    }
    case ExprKind::vector_selector:
      return EValue::of_vector(eval_selector(static_cast<const VectorSelector&>(e), t));
    case ExprKind::matrix_selector:
    case ExprKind::subquery: {
      EValue r;
      r.type = ValueType::matrix;
      r.mat = eval_range(e, t);
      return r;
    }
    case ExprKind::paren: return eval(*static_cast<const ParenExpr&>(e).expr, t);
    case ExprKind::unary: {
      const auto& u = static_cast<const UnaryExpr&>(e);
      EValue v = eval(*u.expr, t);
      if (u.op == '+') return v;
      if (v.type == ValueType::scalar) {
        v.scalar = -v.scalar;
        return v;
      }
      for (auto& s : v.vec) {
        s.v = -s.v;
        s.t = t;
        s.drop_name = true;
      }
      return v;
    }
    case ExprKind::binary: return eval_binary(static_cast<const BinaryExpr&>(e), t);
    case ExprKind::call: return eval_call(static_cast<const CallExpr&>(e), t);
    case ExprKind::aggregate: return eval_aggregate(static_cast<const AggregateExpr&>(e), t);
  }
  throw EvalError("unknown expression kind");
}

EValue Evaluator::eval_call(const CallExpr& e, TimestampMs t) {
  if (e.func->impl == nullptr) throw EvalError("function \"" + std::string(e.func->name) + "\" is not supported");
  std::vector<EValue> args;
  args.reserve(e.args.size());
  for (std::size_t i = 0; i < e.args.size(); ++i) {
    const Expr& a = *e.args[i];
    if (a.type() == ValueType::matrix) {
      EValue m;
      m.type = ValueType::matrix;
      m.mat = eval_range(a, t);
      args.push_back(std::move(m));
    } else {
      args.push_back(eval(a, t));
    }
  }
  return e.func->impl(*this, e, args, t);
}

}  // namespace twikit::promql
