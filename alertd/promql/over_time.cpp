// The *_over_time family: aggregations of each series' points inside the range.

#include <cmath>

#include "alertd/promql/function_impls.h"

namespace twikit::promql::fn {
namespace {

using Points = std::vector<storage::Sample>;

template <typename F>
EValue over_time(std::vector<EValue>& args, std::size_t matrix_arg, TimestampMs t, bool drop_name, F f) {
  EVector out;
  out.reserve(args[matrix_arg].mat.size());
  for (auto& s : args[matrix_arg].mat) {
    if (s.points.empty()) continue;
    out.push_back(ESample{std::move(s.labels), f(s.points), t, drop_name || s.drop_name});
  }
  return EValue::of_vector(std::move(out));
}

double variance(const Points& pts) {
  double count = 0, mean = 0, cmean = 0, aux = 0, caux = 0;
  for (const auto& p : pts) {
    count += 1;
    const double delta = p.v - (mean + cmean);
    kahan_add(delta / count, mean, cmean);
    kahan_add(delta * (p.v - (mean + cmean)), aux, caux);
  }
  return (aux + caux) / count;
}

}  // namespace

EValue avg_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    double sum = pts[0].v, count = 1, mean = 0, c = 0;
    bool incremental = false;
    for (std::size_t i = 1; i < pts.size(); ++i) {
      const double v = pts[i].v;
      count = static_cast<double>(i + 1);
      if (!incremental) {
        double ns = sum, nc = c;
        kahan_add(v, ns, nc);
        if (!std::isinf(ns)) {
          sum = ns;
          c = nc;
          continue;
        }
        incremental = true;
        mean = sum / (count - 1);
        c /= count - 1;
      }
      const double q = (count - 1) / count;
      mean = q * mean;
      c = q * c;
      kahan_add(v / count, mean, c);
    }
    return incremental ? mean + c : sum / count + c / count;
  });
}

EValue sum_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    double sum = 0, c = 0;
    for (const auto& p : pts) kahan_add(p.v, sum, c);
    return sum + c;
  });
}

EValue min_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    double m = pts[0].v;
    for (const auto& p : pts) {
      if (p.v < m || std::isnan(m)) m = p.v;
    }
    return m;
  });
}

EValue max_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    double m = pts[0].v;
    for (const auto& p : pts) {
      if (p.v > m || std::isnan(m)) m = p.v;
    }
    return m;
  });
}

EValue count_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) { return static_cast<double>(pts.size()); });
}

EValue last_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, false, [](const Points& pts) { return pts.back().v; });
}

EValue first_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, false, [](const Points& pts) { return pts.front().v; });
}

EValue ts_of_last_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) { return static_cast<double>(pts.back().t) / 1000.0; });
}

EValue ts_of_first_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) { return static_cast<double>(pts.front().t) / 1000.0; });
}

EValue ts_of_max_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    double m = pts[0].v;
    TimestampMs at = pts[0].t;
    for (const auto& p : pts) {
      if (p.v >= m || std::isnan(m)) {
        m = p.v;
        at = p.t;
      }
    }
    return static_cast<double>(at) / 1000.0;
  });
}

EValue ts_of_min_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    double m = pts[0].v;
    TimestampMs at = pts[0].t;
    for (const auto& p : pts) {
      if (p.v <= m || std::isnan(m)) {
        m = p.v;
        at = p.t;
      }
    }
    return static_cast<double>(at) / 1000.0;
  });
}

EValue quantile_over_time(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  const double q = args[0].scalar;
  if (!(q >= 0 && q <= 1) && !args[1].mat.empty())
    ev.warn("quantile value should be between 0 and 1, got " + format_float(q), call.args[0]->pos);
  return over_time(args, 1, t, true, [q](const Points& pts) {
    std::vector<double> vals;
    vals.reserve(pts.size());
    for (const auto& p : pts) vals.push_back(p.v);
    return quantile_of(q, vals);
  });
}

EValue stddev_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) { return std::sqrt(variance(pts)); });
}

EValue stdvar_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) { return variance(pts); });
}

EValue mad_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points& pts) {
    std::vector<double> vals;
    vals.reserve(pts.size());
    for (const auto& p : pts) {
      if (std::isnan(p.v)) return std::nan("");  // a NaN sample poisons the result rather than vanishing
      vals.push_back(p.v);
    }
    const double median = quantile_of(0.5, vals);
    for (auto& v : vals) v = std::fabs(v - median);
    return quantile_of(0.5, vals);
  });
}

EValue present_over_time(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  return over_time(args, 0, t, true, [](const Points&) { return 1.0; });
}

EValue absent_over_time(Evaluator&, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  for (const auto& s : args[0].mat) {
    if (!s.points.empty()) return EValue::of_vector({});
  }
  EVector out;
  out.push_back(ESample{absent_labels(*call.args[0]), 1.0, t, false});
  return EValue::of_vector(std::move(out));
}

}  // namespace twikit::promql::fn
