// Aggregation operators: sum avg min max count group stddev stdvar quantile count_values topk bottomk
// limitk limit_ratio, grouped by(...) or without(...).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "alertd/promql/evaluator.h"

namespace twikit::promql {
namespace {

struct Group {
  Labels labels;
  bool drop_name = false;
  double value = 0;   // sum / min / max / variance accumulator
  double comp = 0;    // Kahan compensation
  double mean = 0;    // avg (incremental) / stddev running mean
  double count = 0;
  bool incremental = false;
  std::vector<double> values;     // quantile
  std::vector<std::size_t> members;  // topk / bottomk / limitk: indexes into the input
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Labels group_labels(const Labels& ls, const AggregateExpr& e) {
  Labels out;
  for (const auto& l : ls) {
    const bool listed = contains(e.grouping, l.first);
    if (e.without ? (!listed && l.first != "__name__") : listed) out.push_back(l);
  }
  return out;
}

void add_avg(Group& g, double v) {
  g.count += 1;
  if (!g.incremental) {
    double sum = g.value, c = g.comp;
    kahan_add(v, sum, c);
    if (!std::isinf(sum)) {
      g.value = sum;
      g.comp = c;
      return;
    }
    g.incremental = true;
    g.mean = g.value / (g.count - 1);
    g.comp /= g.count - 1;
  }
  if (std::isinf(g.mean)) {
    if (std::isinf(v) && (g.mean > 0) == (v > 0)) return;
    if (!std::isinf(v) && !std::isnan(v)) return;
  }
  const double current = g.mean + g.comp;
  kahan_add(v / g.count - current / g.count, g.mean, g.comp);
}

// Orders for topk (largest first) and bottomk (smallest first); NaN always sorts last.
bool before(double a, double b, bool top) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return top ? a > b : a < b;
}

// The k members topk (or bottomk) keeps, chosen as Prometheus chooses them — a binary heap of at most k
// elements, its smallest (largest) at the top, replaced when a later element beats it — so that ties and
// NaN pick the same series as there. Go's container/heap operations, with Prometheus' orderings.
std::vector<std::size_t> select_k(const std::vector<std::size_t>& members, const EVector& vec, std::uint64_t k,
                                  bool top) {
  std::vector<std::size_t> h;
  const auto less = [&](std::size_t i, std::size_t j) {
    const double a = vec[h[i]].v, b = vec[h[j]].v;
    if (std::isnan(a)) return true;
    return top ? a < b : a > b;
  };
  const auto up = [&](std::size_t j) {
    while (j > 0) {
      const std::size_t i = (j - 1) / 2;
      if (!less(j, i)) break;
      std::swap(h[i], h[j]);
      j = i;
    }
  };
  const auto down = [&](std::size_t i0) {
    std::size_t i = i0;
    const std::size_t n = h.size();
    for (;;) {
      const std::size_t j1 = 2 * i + 1;
      if (j1 >= n) break;
      std::size_t j = j1;
      if (j1 + 1 < n && less(j1 + 1, j1)) j = j1 + 1;
      if (!less(j, i)) break;
      std::swap(h[i], h[j]);
      i = j;
    }
    return i > i0;
  };
  for (const std::size_t m : members) {
    if (h.size() < k) {
      h.push_back(m);
      up(h.size() - 1);
      continue;
    }
    const double head = vec[h[0]].v, v = vec[m].v;
    if ((top ? head < v : head > v) || (std::isnan(head) && !std::isnan(v))) {
      h[0] = m;
      if (k > 1 && !down(0)) up(0);
    }
  }
  return h;
}

// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back as v, written without an
// exponent (1e20 is "100000000000000000000", 3.4934271057485095e19 is "34934271057485095000").
std::string format_count_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  (void)ec;
  const std::string sci(buf, p);
  const std::size_t e_at = sci.find('e');
  std::string mantissa = sci.substr(0, e_at);
  const int exponent = std::stoi(sci.substr(e_at + 1));
  std::string sign;
  if (mantissa[0] == '-') {
    sign = "-";
    mantissa.erase(0, 1);
  }
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.') digits += c;
  }
  const int n = static_cast<int>(digits.size());
  if (exponent >= n - 1) return sign + digits + std::string(static_cast<std::size_t>(exponent - (n - 1)), '0');
  if (exponent < 0) return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  return sign + digits.substr(0, static_cast<std::size_t>(exponent) + 1) + "." +
         digits.substr(static_cast<std::size_t>(exponent) + 1);
}

}  // namespace

EValue Evaluator::eval_aggregate(const AggregateExpr& e, TimestampMs t) {
  double param = 0;
  std::string label_param;
  if (e.param) {
    EValue p = eval(*e.param, t);
    if (p.type == ValueType::string) label_param = p.str;
    else param = p.scalar;
  }
  EValue in = eval(*e.expr, t);
  EVector& vec = in.vec;
  const AggOp op = e.op;

  std::int64_t k = 0;
  if (op == AggOp::topk || op == AggOp::bottomk || op == AggOp::limitk) {
    if (std::isnan(param)) throw EvalError("Parameter value is NaN");
    // Prometheus refuses what int64 cannot hold rather than saturating.
    if (!(param >= -9223372036854775808.0 && param < 9223372036854775808.0))
      throw EvalError("Scalar value " + format_float(param) + " overflows int64");
    k = static_cast<std::int64_t>(param);
    if (k < 1) return EValue::of_vector({});
  }
  if (op == AggOp::quantile && !(param >= 0 && param <= 1))
    warn("quantile value should be between 0 and 1, got " + format_float(param), e.param->pos);
  if (op == AggOp::limit_ratio && std::isnan(param)) throw EvalError("Ratio value is NaN");
  if (op == AggOp::count_values && !is_valid_label_name(label_param))
    throw EvalError("invalid label name \"" + label_param + "\"");

  std::vector<Group> groups;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> index;
  for (std::size_t i = 0; i < vec.size(); ++i) {
    ESample& s = vec[i];
    Labels gl;
    if (op == AggOp::count_values) {
      // The value label joins the series before grouping, as in Prometheus: `by` keeps it,
      // `without (v)` removes it again.
      Labels with_value = s.labels;
      set_label(with_value, label_param, format_count_value(s.v));
      gl = group_labels(with_value, e);
      if (!e.without) set_label(gl, label_param, format_count_value(s.v));
    } else {
      gl = group_labels(s.labels, e);
    }
    const std::uint64_t h = storage::labels_hash(gl);
    auto& bucket = index[h];
    Group* g = nullptr;
    for (std::size_t gi : bucket) {
      if (groups[gi].labels == gl) g = &groups[gi];
    }
    const double v = s.v;
    if (g == nullptr) {
      bucket.push_back(groups.size());
      groups.push_back(Group{});
      g = &groups.back();
      g->labels = std::move(gl);
      g->value = v;
      g->mean = v;
      g->count = 1;
      g->drop_name = s.drop_name;
      if (op == AggOp::quantile) g->values.push_back(v);
      if (op == AggOp::stddev || op == AggOp::stdvar) g->value = std::isnan(v) || std::isinf(v) ? std::nan("") : 0.0;
      if (op == AggOp::avg) {
        g->value = v;
        g->comp = 0;
      }
      g->members.push_back(i);
      continue;
    }
    g->drop_name = g->drop_name || s.drop_name;
    switch (op) {
      case AggOp::sum: kahan_add(v, g->value, g->comp); break;
      case AggOp::avg: add_avg(*g, v); break;
      case AggOp::min:
        if (g->value > v || std::isnan(g->value)) g->value = v;
        break;
      case AggOp::max:
        if (g->value < v || std::isnan(g->value)) g->value = v;
        break;
      case AggOp::count:
      case AggOp::count_values:
      case AggOp::group: g->count += 1; break;
      case AggOp::stddev:
      case AggOp::stdvar: {
        g->count += 1;
        const double delta = v - g->mean;
        g->mean += delta / g->count;
        g->value += delta * (v - g->mean);
        break;
      }
      case AggOp::quantile: g->values.push_back(v); break;
      case AggOp::topk:
      case AggOp::bottomk:
      case AggOp::limitk:
      case AggOp::limit_ratio: g->members.push_back(i); break;
    }
  }

  EVector out;
  if (op == AggOp::topk || op == AggOp::bottomk || op == AggOp::limitk || op == AggOp::limit_ratio) {
    const bool top = op == AggOp::topk;
    for (auto& g : groups) {
      auto& mem = g.members;
      if (op == AggOp::topk || op == AggOp::bottomk) {
        mem = select_k(mem, vec, static_cast<std::uint64_t>(k), top);
        std::stable_sort(mem.begin(), mem.end(),
                         [&](std::size_t a, std::size_t b) { return before(vec[a].v, vec[b].v, top); });
      } else if (op == AggOp::limitk) {
        std::sort(mem.begin(), mem.end(), [&](std::size_t a, std::size_t b) {
          return storage::labels_hash(vec[a].labels) < storage::labels_hash(vec[b].labels);
        });
        if (static_cast<std::uint64_t>(k) < mem.size()) mem.resize(static_cast<std::size_t>(k));
      } else {
        // limit_ratio: a deterministic sample by label hash, in [0,1).
        const double r = std::clamp(param, -1.0, 1.0);
        std::vector<std::size_t> kept;
        for (std::size_t i : mem) {
          const double u = static_cast<double>(storage::labels_hash(vec[i].labels)) / 18446744073709551616.0;
          if (r >= 0 ? u < r : u >= 1 + r) kept.push_back(i);
        }
        mem = std::move(kept);
      }
      for (std::size_t i : mem) {
        ESample s = std::move(vec[i]);
        s.t = t;
        out.push_back(std::move(s));
      }
    }
    return EValue::of_vector(std::move(out));
  }

  out.reserve(groups.size());
  for (auto& g : groups) {
    double v = 0;
    switch (op) {
      case AggOp::sum: v = g.value + g.comp; break;
      case AggOp::avg:
        v = g.incremental ? g.mean + g.comp : g.value / g.count + g.comp / g.count;
        break;
      case AggOp::min:
      case AggOp::max: v = g.value; break;
      case AggOp::count:
      case AggOp::count_values: v = g.count; break;
      case AggOp::group: v = 1; break;
      case AggOp::stdvar: v = g.value / g.count; break;
      case AggOp::stddev: v = std::sqrt(g.value / g.count); break;
      case AggOp::quantile: v = quantile_of(param, g.values); break;
      default: break;
    }
    out.push_back(ESample{std::move(g.labels), v, t, g.drop_name});
  }
  return EValue::of_vector(std::move(out));
}

}  // namespace twikit::promql
