// Instant-vector and scalar functions: math, clamp, round, time, timestamp, vector, scalar, sort*,
// absent and the date functions.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include "alertd/promql/function_impls.h"

namespace twikit::promql::fn {
namespace {

template <typename F>
EValue map_values(std::vector<EValue>& args, TimestampMs t, F f) {
  EVector& v = args[0].vec;
  for (auto& s : v) {
    s.v = f(s.v);
    s.t = t;
    s.drop_name = true;
  }
  return EValue::of_vector(std::move(v));
}

using MathFn = double (*)(double);

double sgn(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; }
double deg(double v) { return v * 180 / M_PI; }
double rad(double v) { return v * M_PI / 180; }
double abs_(double v) { return std::fabs(v); }
double ceil_(double v) { return std::ceil(v); }
double floor_(double v) { return std::floor(v); }
double sqrt_(double v) { return std::sqrt(v); }
double exp_(double v) { return std::exp(v); }
double ln_(double v) { return std::log(v); }
// Go's math.Log2: exact for powers of two, else the natural log of the fraction scaled, plus the exponent.
double log2_(double v) {
  if (std::isnan(v) || v <= 0 || std::isinf(v)) return std::log2(v);
  int exp = 0;
  const double frac = std::frexp(v, &exp);
  if (frac == 0.5) return exp - 1;
  return std::log(frac) * (1 / M_LN2) + exp;
}
// Go's math.Log10: Log2(x) * (Ln2/Ln10), which rounds differently from a direct log10 in the last bit.
double log10_(double v) { return log2_(v) * (M_LN2 / M_LN10); }
double sin_(double v) { return std::sin(v); }
double cos_(double v) { return std::cos(v); }
double tan_(double v) { return std::tan(v); }
double asin_(double v) { return std::asin(v); }
double acos_(double v) { return std::acos(v); }
double atan_(double v) { return std::atan(v); }
double sinh_(double v) { return std::sinh(v); }
double cosh_(double v) { return std::cosh(v); }
double tanh_(double v) { return std::tanh(v); }
double asinh_(double v) { return std::asinh(v); }
double acosh_(double v) { return std::acosh(v); }
double atanh_(double v) { return std::atanh(v); }

MathFn math_fn(std::string_view name) {
  static const std::map<std::string_view, MathFn> fns = {
      {"abs", abs_},     {"ceil", ceil_},   {"floor", floor_}, {"sqrt", sqrt_}, {"exp", exp_},
      {"ln", ln_},       {"log2", log2_},   {"log10", log10_}, {"sgn", sgn},    {"deg", deg},
      {"rad", rad},      {"sin", sin_},     {"cos", cos_},     {"tan", tan_},   {"asin", asin_},
      {"acos", acos_},   {"atan", atan_},   {"sinh", sinh_},   {"cosh", cosh_}, {"tanh", tanh_},
      {"asinh", asinh_}, {"acosh", acosh_}, {"atanh", atanh_}};
  auto it = fns.find(name);
  if (it == fns.end()) throw EvalError("unknown math function " + std::string(name));
  return it->second;
}

// NaN sorts last in both directions, as in Prometheus.
void sort_vector(EVector& v, bool desc) {
  std::stable_sort(v.begin(), v.end(), [desc](const ESample& a, const ESample& b) {
    if (std::isnan(a.v)) return false;
    if (std::isnan(b.v)) return true;
    return desc ? a.v > b.v : a.v < b.v;
  });
}

void warn_sort_in_range(Evaluator& ev, const CallExpr& call) {
  if (ev.is_range_query())
    ev.warn("sort is ineffective for range queries since results are always ordered by labels", call.pos);
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {m <= 2 ? y + 1 : y, m, d};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Go's int64(v) as Prometheus' amd64 builds compute it: NaN, ±Inf and values outside int64 become
// math.MinInt64 (the processor's "integer indefinite"), so hour(vector(NaN)) is 15 there too.
std::int64_t go_int64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

double date_part(std::string_view name, double value) {
  // Go's time package counts seconds from its absolute zero (year -292277022399) in a uint64 that wraps,
  // which only matters for the far past (math.MinInt64 above): do the same, then convert to days since 1970.
  constexpr std::uint64_t kUnixToAbsolute = 9223372028715321600ULL;  // a whole number of days
  const std::uint64_t abs = static_cast<std::uint64_t>(go_int64(value)) + kUnixToAbsolute;
  const std::int64_t days = static_cast<std::int64_t>(abs / 86400) - static_cast<std::int64_t>(kUnixToAbsolute / 86400);
  const auto rem = static_cast<std::int64_t>(abs % 86400);
  const Civil c = civil_from_days(days);
  static const unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (name == "minute") return static_cast<double>((rem / 60) % 60);
  if (name == "hour") return static_cast<double>(rem / 3600);
  if (name == "day_of_month") return c.day;
  if (name == "month") return c.month;
  if (name == "year") return static_cast<double>(c.year);
  if (name == "day_of_week") return static_cast<double>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  if (name == "days_in_month") return c.month == 2 && is_leap(c.year) ? 29 : month_days[c.month - 1];
  if (name == "day_of_year") {
    unsigned doy = c.day;
    for (unsigned m = 1; m < c.month; ++m) doy += month_days[m - 1];
    if (c.month > 2 && is_leap(c.year)) ++doy;
    return doy;
  }
  throw EvalError("unknown date function " + std::string(name));
}

}  // namespace

EValue math(Evaluator&, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  const MathFn f = math_fn(call.func->name);
  return map_values(args, t, f);
}

EValue round(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const double to_nearest = args.size() > 1 ? args[1].scalar : 1.0;
  const double inverse = 1.0 / to_nearest;
  return map_values(args, t, [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

namespace {

// Go's math.Max: +Inf wins over anything, then NaN over anything, and +0 over -0.
double go_max(double x, double y) {
  if ((std::isinf(x) && x > 0) || (std::isinf(y) && y > 0)) return INFINITY;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && y == 0) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

// Go's math.Min: -Inf wins over anything, then NaN over anything, and -0 over +0.
double go_min(double x, double y) {
  if ((std::isinf(x) && x < 0) || (std::isinf(y) && y < 0)) return -INFINITY;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && y == 0) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

}  // namespace

EValue clamp(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const double lo = args[1].scalar, hi = args[2].scalar;
  if (hi < lo) return EValue::of_vector({});
  return map_values(args, t, [lo, hi](double v) { return go_max(lo, go_min(hi, v)); });
}

EValue clamp_min(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const double lo = args[1].scalar;
  return map_values(args, t, [lo](double v) { return go_max(v, lo); });
}

EValue clamp_max(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  const double hi = args[1].scalar;
  return map_values(args, t, [hi](double v) { return go_min(v, hi); });
}

EValue time(Evaluator&, const CallExpr&, std::vector<EValue>&, TimestampMs t) {
  return EValue::of_scalar(static_cast<double>(t) / 1000.0);
}

EValue pi(Evaluator&, const CallExpr&, std::vector<EValue>&, TimestampMs) { return EValue::of_scalar(M_PI); }

EValue timestamp(Evaluator&, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  // Only a selector's samples keep their own timestamps; anything computed (sort_desc(m), m + 1) is
  // stamped with the evaluation time, as in Prometheus.
  const Expr* arg = call.args[0].get();
  while (arg->kind == ExprKind::paren) arg = static_cast<const ParenExpr*>(arg)->expr.get();
  const bool selector = arg->kind == ExprKind::vector_selector;
  EVector& v = args[0].vec;
  for (auto& s : v) {
    s.v = static_cast<double>(selector ? s.t : t) / 1000.0;
    s.t = t;
    s.drop_name = true;
  }
  return EValue::of_vector(std::move(v));
}

EValue vector(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs t) {
  EVector out;
  out.push_back(ESample{Labels{}, args[0].scalar, t, false});
  return EValue::of_vector(std::move(out));
}

EValue scalar(Evaluator&, const CallExpr&, std::vector<EValue>& args, TimestampMs) {
  const EVector& v = args[0].vec;
  return EValue::of_scalar(v.size() == 1 ? v[0].v : std::nan(""));
}

EValue sort(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs) {
  warn_sort_in_range(ev, call);
  sort_vector(args[0].vec, false);
  return EValue::of_vector(std::move(args[0].vec));
}

EValue sort_desc(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs) {
  warn_sort_in_range(ev, call);
  sort_vector(args[0].vec, true);
  return EValue::of_vector(std::move(args[0].vec));
}

namespace {
// Natural order: runs of digits compare by numeric value ("cpu2" < "cpu10").
int natural_compare(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::size_t is = i, js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js ? -1 : 1;
      const int c = a.compare(is, ie - is, b, js, je - js);
      if (c != 0) return c;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

EValue sort_by_labels(std::vector<EValue>& args, bool desc) {
  std::vector<std::string> names;
  for (std::size_t i = 1; i < args.size(); ++i) names.push_back(args[i].str);
  EVector& v = args[0].vec;
  std::stable_sort(v.begin(), v.end(), [&](const ESample& a, const ESample& b) {
    for (const auto& n : names) {
      const std::string& x = label_value(a.labels, n);
      const std::string& y = label_value(b.labels, n);
      const int c = natural_compare(x, y);
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return desc ? b.labels < a.labels : a.labels < b.labels;
  });
  return EValue::of_vector(std::move(v));
}
}  // namespace

EValue sort_by_label(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs) {
  warn_sort_in_range(ev, call);
  return sort_by_labels(args, false);
}

EValue sort_by_label_desc(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args, TimestampMs) {
  warn_sort_in_range(ev, call);
  return sort_by_labels(args, true);
}

Labels absent_labels(const Expr& arg) {
  const Expr* e = &arg;
  while (e->kind == ExprKind::paren) e = static_cast<const ParenExpr*>(e)->expr.get();
  if (e->kind == ExprKind::matrix_selector) e = static_cast<const MatrixSelector*>(e)->vs.get();
  if (e->kind != ExprKind::vector_selector) return {};
  // Prometheus' rule, matcher by matcher in the order written: the first equality matcher of a name sets
  // it (an empty value sets nothing), any later or other matcher of that name removes it.
  std::map<std::string, std::string> out;
  std::set<std::string> has;
  for (const auto& m : static_cast<const VectorSelector*>(e)->matchers) {
    if (m.name() == "__name__") continue;
    if (m.type() == storage::MatchType::eq && has.insert(m.name()).second) {
      if (m.value().empty()) {
        out.erase(m.name());
      } else {
        out[m.name()] = m.value();
      }
    } else {
      out.erase(m.name());
    }
  }
  return Labels(out.begin(), out.end());
}

EValue absent(Evaluator&, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  if (!args[0].vec.empty()) return EValue::of_vector({});
  EVector out;
  out.push_back(ESample{absent_labels(*call.args[0]), 1.0, t, false});
  return EValue::of_vector(std::move(out));
}

EValue date(Evaluator&, const CallExpr& call, std::vector<EValue>& args, TimestampMs t) {
  const std::string_view name = call.func->name;
  if (args.empty()) {
    EVector out;
    out.push_back(ESample{Labels{}, date_part(name, static_cast<double>(t) / 1000.0), t, false});
    return EValue::of_vector(std::move(out));
  }
  EVector& v = args[0].vec;
  EVector out;
  out.reserve(v.size());
  for (auto& s : v) {
    s.v = date_part(name, s.v);
    s.t = t;
    s.drop_name = true;
    out.push_back(std::move(s));
  }
  return EValue::of_vector(std::move(out));
}

}  // namespace twikit::promql::fn
