#include "alertd/promql/evaluator.h"

#include <algorithm>
#include <unordered_map>

#include "alertd/promql/functions.h"

namespace twikit::promql {
namespace {

// Selectors read the clock once per this many series.
constexpr std::size_t kSeriesPerDeadlineCheck = 256;

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace

Evaluator::Evaluator(const EngineOptions& opts, const storage::Queryable& store, TimestampMs start, TimestampMs end)
    : opts_(opts),
      store_(store),
      start_(start),
      end_(end),
      clock_(opts.clock != nullptr ? *opts.clock : system_clock()),
      deadline_ns_(INT64_MAX) {
  if (opts_.timeout_ms > 0) {
    const std::int64_t now = clock_.monotonic_ns();
    const std::int64_t budget = opts_.timeout_ms > INT64_MAX / 1'000'000 ? INT64_MAX : opts_.timeout_ms * 1'000'000;
    deadline_ns_ = now > INT64_MAX - budget ? INT64_MAX : now + budget;
  }
}

void Evaluator::check_deadline() const {
  if (deadline_ns_ != INT64_MAX && clock_.monotonic_ns() >= deadline_ns_) throw QueryTimeoutError();
}

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
  if (samples_ > opts_.max_samples) throw TooManySamplesError();
}

EVector Evaluator::eval_selector(const VectorSelector& vs, TimestampMs t) {
  const TimestampMs ts = sat_sub(resolve_at(vs.at, vs.at_ms, t), vs.offset_ms);
  // Left-open lookback window (ts - lookback, ts], as in Prometheus 3.
  auto series = store_.select_latest(vs.matchers, sat_sub(ts, opts_.lookback_delta_ms - 1), ts);
  count_samples(series.size());
  EVector out;
  out.reserve(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i % kSeriesPerDeadlineCheck == kSeriesPerDeadlineCheck - 1) check_deadline();
    auto& s = series[i];
    const storage::Sample& last = s.samples.back();
    if (storage::is_stale_marker(last.v)) continue;
    out.push_back(ESample{*s.labels, last.v, last.t, false});
  }
  return out;
}

EMatrix Evaluator::eval_matrix_selector(const MatrixSelector& ms, TimestampMs t) {
  const VectorSelector& vs = ms.selector();
  const TimestampMs ts = sat_sub(resolve_at(vs.at, vs.at_ms, t), vs.offset_ms);
  auto series = store_.select(vs.matchers, sat_sub(ts, ms.range_ms - 1), ts);
  EMatrix out;
  out.reserve(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i % kSeriesPerDeadlineCheck == kSeriesPerDeadlineCheck - 1) check_deadline();
    auto& s = series[i];
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
  const TimestampMs end = sat_sub(resolve_at(sq.at, sq.at_ms, t), sq.offset_ms);
  const std::int64_t step = sq.step_ms > 0 ? sq.step_ms : opts_.default_subquery_step_ms;
  const TimestampMs mint = sat_sub(end, sq.range_ms);
  // The first step after mint that is a multiple of step (floor division, also for negative times).
  TimestampMs start = mint / step * step;
  if (start > mint) start = sat_sub(start, step);
  start = start > INT64_MAX - step ? INT64_MAX : start + step;
  if (start > end) return {};
  const std::uint64_t steps = (static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start)) /
                              static_cast<std::uint64_t>(step);
  if (steps > 1'000'000) throw EvalError("subquery would evaluate more than 1,000,000 steps");
  EMatrix out;
  std::unordered_multimap<std::uint64_t, std::size_t> index;
  // The subquery's inputs are released after each inner step; its points so far stay held.
  const std::size_t held_before = samples_;
  std::size_t points = 0;
  for (std::uint64_t i = 0; i <= steps; ++i) {
    const auto ts = static_cast<TimestampMs>(static_cast<std::uint64_t>(start) + i * static_cast<std::uint64_t>(step));
    samples_ = held_before + points;
    EValue v = eval(*sq.expr, ts);
    points += v.vec.size();
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
  samples_ = held_before;
  count_samples(points);
  return out;
}

EMatrix Evaluator::eval_range(const Expr& e, TimestampMs t) {
  const bool pinned = (e.kind == ExprKind::subquery && static_cast<const SubqueryExpr&>(e).at != AtKind::none) ||
                      (e.kind == ExprKind::matrix_selector &&
                       static_cast<const MatrixSelector&>(e).selector().at != AtKind::none);
  if (pinned) {
    if (const auto it = pinned_.find(&e); it != pinned_.end()) return it->second;
    EMatrix m = e.kind == ExprKind::subquery ? eval_subquery(static_cast<const SubqueryExpr&>(e), t)
                                             : eval_matrix_selector(static_cast<const MatrixSelector&>(e), t);
    pinned_.emplace(&e, m);
    return m;
  }
  switch (e.kind) {
    case ExprKind::matrix_selector: return eval_matrix_selector(static_cast<const MatrixSelector&>(e), t);
    case ExprKind::subquery: return eval_subquery(static_cast<const SubqueryExpr&>(e), t);
    case ExprKind::paren: return eval_range(*static_cast<const ParenExpr&>(e).expr, t);
    default: throw EvalError("expected range vector expression");
  }
}

EValue Evaluator::eval(const Expr& e, TimestampMs t) {
  check_deadline();
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
      return finish_node(std::move(v), false);
    }
    case ExprKind::binary: return finish_node(eval_binary(static_cast<const BinaryExpr&>(e), t), false);
    case ExprKind::call: return finish_node(eval_call(static_cast<const CallExpr&>(e), t), true);
    case ExprKind::aggregate: return eval_aggregate(static_cast<const AggregateExpr&>(e), t);
  }
  throw EvalError("unknown expression kind");
}

EValue Evaluator::finish_node(EValue v, bool relabelled) const {
  if (opts_.delayed_name_removal || v.type != ValueType::vector) return v;
  bool dropped = false;
  for (auto& s : v.vec) {
    if (s.drop_name) {
      drop_metric_name(s.labels);
      s.drop_name = false;
      dropped = true;
    }
  }
  // Without a name some series may now coincide; label_replace and label_join can make them coincide too.
  if (dropped || relabelled) check_unique_labelsets(v.vec);
  return v;
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
