// Counter and gauge functions over range vectors: rate, increase, delta, irate, idelta, resets,
// changes, deriv, predict_linear, double_exponential_smoothing.

#include <cmath>

#include "alertd/promql/function_impls.h"

namespace twikit::promql::fn {
namespace {

std::int64_t range_of(const Expr& arg) {
  const Expr* e = &arg;
  while (e->kind == ExprKind::paren) e = static_cast<const ParenExpr*>(e)->expr.get();
  if (e->kind == ExprKind::matrix_selector) return static_cast<const MatrixSelector*>(e)->range_ms;
  if (e->kind == ExprKind::subquery) return static_cast<const SubqueryExpr*>(e)->range_ms;
  return 0;
}

// Evaluation time of the range argument, accounting for its offset and @ modifier.
TimestampMs range_end(const Expr& arg, TimestampMs t, TimestampMs start, TimestampMs end) {
  const Expr* e = &arg;
  while (e->kind == ExprKind::paren) e = static_cast<const ParenExpr*>(e)->expr.get();
  AtKind at = AtKind::none;
  TimestampMs at_ms = 0;
  std::int64_t offset = 0;
  if (e->kind == ExprKind::matrix_selector) {
    const auto& vs = static_cast<const MatrixSelector*>(e)->selector();
    at = vs.at;
    at_ms = vs.at_ms;
    offset = vs.offset_ms;
  } else if (e->kind == ExprKind::subquery) {
    const auto* sq = static_cast<const SubqueryExpr*>(e);
    at = sq->at;
    at_ms = sq->at_ms;
    offset = sq->offset_ms;
  }
  TimestampMs base = t;
  if (at == AtKind::timestamp) base = at_ms;
  if (at == AtKind::start) base = start;
  if (at == AtKind::end) base = end;
  return sat_sub(base, offset);
}

template <typename F>
EValue per_series(std::vector<EValue>& args, std::size_t matrix_arg, TimestampMs t, bool drop_name, F f) {
  EVector out;
  out.reserve(args[matrix_arg].mat.size());
  for (auto& s : args[matrix_arg].mat) {
    double v = 0;
    if (!f(s.points, v)) continue;
    out.push_back(ESample{std::move(s.labels), v, t, drop_name || s.drop_name});
  }
  return EValue::of_vector(std::move(out));
}

EValue extrapolated(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs t, bool is_counter,
                    bool is_rate) {
  (void)ev;
  const std::int64_t range = range_of(*call.args[0]);
  const TimestampMs range_end_ms = range_end(*call.args[0], t, t, t);
  const TimestampMs range_start_ms = range_end_ms - range;
  return per_series(args, 0, t, true, [&](const std::vector<storage::Sample>& pts, double& out) {
    if (pts.size() < 2) return false;
    const auto& first = pts.front();
    const auto& last = pts.back();
    double result = last.v - first.v;
    if (is_counter) {
      double prev = first.v;
      for (std::size_t i = 1; i < pts.size(); ++i) {
        if (pts[i].v < prev) result += prev;
        prev = pts[i].v;
      }
    }
    double to_start = static_cast<double>(first.t - range_start_ms) / 1000.0;
    double to_end = static_cast<double>(range_end_ms - last.t) / 1000.0;
    const double sampled = static_cast<double>(last.t - first.t) / 1000.0;
    const double avg_step = sampled / static_cast<double>(pts.size() - 1);
    const double threshold = avg_step * 1.1;
    if (to_start >= threshold) to_start = avg_step / 2;
    if (is_counter) {
      double to_zero = to_start;
      if (result > 0 && first.v >= 0) to_zero = sampled * (first.v / result);
      if (to_zero < to_start) to_start = to_zero;
    }
    if (to_end >= threshold) to_end = avg_step / 2;
    double factor = (sampled + to_start + to_end) / sampled;
    if (is_rate) factor /= static_cast<double>(range) / 1000.0;
    out = result * factor;
    return true;
  });
}

EValue instant_value(std::vector<EValue>& args, TimestampMs t, bool is_rate) {
  return per_series(args, 0, t, true, [&](const std::vector<storage::Sample>& pts, double& out) {
    if (pts.size() < 2) return false;
    const auto& last = pts[pts.size() - 1];
    const auto& prev = pts[pts.size() - 2];
    double v = (is_rate && last.v < prev.v) ? last.v : last.v - prev.v;
    const std::int64_t dt = last.t - prev.t;
    if (dt == 0) return false;
    if (is_rate) v /= static_cast<double>(dt) / 1000.0;
    out = v;
    return true;
  });
}

// Least-squares fit with Kahan summation; x is seconds relative to `intercept_t`.
bool linear_regression(const std::vector<storage::Sample>& pts, TimestampMs intercept_t, double& slope,
                       double& intercept) {
  if (pts.size() < 2) return false;
  double n = 0, sx = 0, cx = 0, sy = 0, cy = 0, sxy = 0, cxy = 0, sx2 = 0, cx2 = 0;
  const double init_y = pts[0].v;
  bool const_y = true;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (const_y && i > 0 && pts[i].v != init_y) const_y = false;
    n += 1;
    const double x = static_cast<double>(pts[i].t - intercept_t) / 1e3;
    kahan_add(x, sx, cx);
    kahan_add(pts[i].v, sy, cy);
    kahan_add(x * pts[i].v, sxy, cxy);
    kahan_add(x * x, sx2, cx2);
  }
  if (const_y) {
    if (std::isinf(init_y)) {
      slope = intercept = std::nan("");
    } else {
      slope = 0;
      intercept = init_y;
    }
    return true;
  }
  sx += cx;
  sy += cy;
  sxy += cxy;
  sx2 += cx2;
  const double cov = sxy - sx * sy / n;
  const double var = sx2 - sx * sx / n;
  slope = cov / var;
  intercept = sy / n - slope * sx / n;
  return true;
}

}  // namespace

EValue rate(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  return extrapolated(ev, call, args, t, true, true);
}
EValue increase(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  return extrapolated(ev, call, args, t, true, false);
}
EValue delta(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  return extrapolated(ev, call, args, t, false, false);
}
EValue irate(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return instant_value(args, t, true);
}
EValue idelta(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return instant_value(args, t, false);
}

EValue resets(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return per_series(args, 0, t, true, [](const std::vector<storage::Sample>& pts, double& out) {
    double n = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) {
      if (pts[i].v < pts[i - 1].v) n += 1;
    }
    out = n;
    return true;
  });
}

EValue changes(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return per_series(args, 0, t, true, [](const std::vector<storage::Sample>& pts, double& out) {
    double n = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) {
      const double a = pts[i - 1].v, b = pts[i].v;
      if (!(a == b || (std::isnan(a) && std::isnan(b)))) n += 1;
    }
    out = n;
    return true;
  });
}

EValue deriv(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return per_series(args, 0, t, true, [](const std::vector<storage::Sample>& pts, double& out) {
    double slope = 0, intercept = 0;
    if (!linear_regression(pts, pts.empty() ? 0 : pts[0].t, slope, intercept)) return false;
    out = slope;
    return true;
  });
}

EValue predict_linear(Evaluator&, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  const double secs = args[1].scalar;
  (void)call;
  const TimestampMs at = t;  // Prometheus predicts from the evaluation time, whatever the range's @/offset
  return per_series(args, 0, t, true, [&](const std::vector<storage::Sample>& pts, double& out) {
    double slope = 0, intercept = 0;
    if (!linear_regression(pts, at, slope, intercept)) return false;
    out = slope * secs + intercept;
    return true;
  });
}

EValue double_exponential_smoothing(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const double sf = args[1].scalar, tf = args[2].scalar;
  if (!(sf > 0 && sf < 1)) throw EvalError("invalid smoothing factor. Expected: 0 < sf < 1, got: " + format_float(sf));
  if (!(tf > 0 && tf < 1)) throw EvalError("invalid trend factor. Expected: 0 < tf < 1, got: " + format_float(tf));
  return per_series(args, 0, t, true, [&](const std::vector<storage::Sample>& pts, double& out) {
    if (pts.size() < 2) return false;
    double s0 = 0, s1 = pts[0].v, b = pts[1].v - pts[0].v;
    for (std::size_t i = 1; i < pts.size(); ++i) {
      if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;  // trend from the previous two smoothed values
      const double x = sf * pts[i].v;
      s0 = s1;
      s1 = x + (1 - sf) * (s1 + b);
    }
    out = s1;
    return true;
  });
}

}  // namespace twikit::promql::fn
