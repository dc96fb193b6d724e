#include "block_runner.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "alertd/promql/parser.h"
#include "common/regex.h"

namespace twikit::conformance {
namespace {

using promql::Value;
using promql::ValueType;
using promql::Expr;
using promql::ExprKind;

std::string fmt(double v) {
  if (storage::is_stale_marker(v)) return "stale";
  return promql::format_float(v);
}

bool labels_less(const Labels& a, const Labels& b) { return a < b; }

// Compares an instant-vector result with the expected series (one value each).
Verdict compare_vector(const EvalCommand& e, const promql::Vector& got) {
  if (e.scalar) return {false, "expected scalar, got vector"};
  if (got.size() != e.series.size()) {
    std::string why = "expected " + std::to_string(e.series.size()) + " series, got " + std::to_string(got.size()) + ":";
    for (const auto& s : got) why += " " + labels_to_string(s.labels) + "=" + fmt(s.value);
    return {false, why};
  }
  for (std::size_t i = 0; i < e.series.size(); ++i) {
    const SeriesLine& want = e.series[i];
    if (want.values.size() != 1 || want.values[0].kind != SeqValue::Kind::number)
      return {false, "expected line for " + labels_to_string(want.labels) + " has not exactly one float"};
    const double wv = want.values[0].value;
    auto it = std::find_if(got.begin(), got.end(), [&](const promql::Sample& s) { return s.labels == want.labels; });
    if (it == got.end()) {
      std::string why = "missing series " + labels_to_string(want.labels) + "; got:";
      for (const auto& s : got) why += " " + labels_to_string(s.labels);
      return {false, why};
    }
    if (e.ordered && static_cast<std::size_t>(it - got.begin()) != i)
      return {false, "series " + labels_to_string(want.labels) + " at position " +
                         std::to_string(it - got.begin()) + ", expected " + std::to_string(i)};
    if (!almost_equal(it->value, wv))
      return {false, labels_to_string(want.labels) + ": expected " + fmt(wv) + ", got " + fmt(it->value)};
  }
  return {true, {}};
}

// Compares a matrix with expected series whose value i sits at from + i*step.
Verdict compare_matrix(const std::vector<SeriesLine>& expected, const promql::Matrix& got, std::int64_t from,
                       std::int64_t step) {
  for (std::size_t i = 1; i < got.size(); ++i) {
    if (!labels_less(got[i - 1].labels, got[i].labels)) return {false, "matrix not sorted by labels"};
  }
  if (got.size() != expected.size()) {
    std::string why = "expected " + std::to_string(expected.size()) + " series, got " + std::to_string(got.size()) + ":";
    for (const auto& s : got) why += " " + labels_to_string(s.labels);
    return {false, why};
  }
  for (const auto& want : expected) {
    auto it = std::find_if(got.begin(), got.end(), [&](const promql::Series& s) { return s.labels == want.labels; });
    if (it == got.end()) return {false, "missing series " + labels_to_string(want.labels)};
    std::vector<promql::Point> pts;
    for (std::size_t k = 0; k < want.values.size(); ++k) {
      const auto& v = want.values[k];
      if (v.kind == SeqValue::Kind::missing) continue;
      const std::int64_t t = from + static_cast<std::int64_t>(k) * step;
      pts.push_back({t, v.kind == SeqValue::Kind::stale ? storage::stale_marker() : v.value});
    }
    auto render = [](const std::vector<promql::Point>& p) {
      std::string s;
      for (const auto& x : p) s += " " + std::to_string(x.t / 1000) + "s:" + fmt(x.v);
      return s;
    };
    if (pts.size() != it->points.size())
      return {false, labels_to_string(want.labels) + ": expected" + render(pts) + ", got" + render(it->points)};
    for (std::size_t k = 0; k < pts.size(); ++k) {
      if (pts[k].t != it->points[k].t || !almost_equal(pts[k].v, it->points[k].v))
        return {false, labels_to_string(want.labels) + ": expected" + render(pts) + ", got" + render(it->points)};
    }
  }
  return {true, {}};
}

Verdict check_annotations(const char* kind, const AnnotationExpect& want, const std::vector<std::string>& got) {
  const std::string k = kind;
  if (want.none && !got.empty()) return {false, "unexpected " + k + ": " + got[0]};
  const bool specific = !want.msgs.empty() || !want.regexes.empty();
  if (!want.any && !specific) return {true, {}};
  if (got.empty()) return {false, "expected a " + k + " annotation, got none"};
  for (const auto& m : want.msgs) {
    if (std::find(got.begin(), got.end(), m) == got.end()) return {false, "missing " + k + " \"" + m + "\""};
  }
  // The .test files' regexes are Go's: unanchored, RE2 syntax.
  std::vector<Regex> res;
  for (const auto& r : want.regexes) {
    try {
      res.push_back(Regex::compile(r));
    } catch (const RegexError&) {
      return {false, "expected-" + k + " regex does not compile: " + r};
    }
    if (std::none_of(got.begin(), got.end(), [&](const std::string& g) { return res.back().partial_match(g); }))
      return {false, "no " + k + " matches /" + r + "/"};
  }
  if (specific) {
    for (const auto& g : got) {
      const bool listed = std::find(want.msgs.begin(), want.msgs.end(), g) != want.msgs.end() ||
                          std::any_of(res.begin(), res.end(), [&](const Regex& re) { return re.partial_match(g); });
      if (!listed) return {false, "unexpected " + k + ": " + g};
    }
  }
  return {true, {}};
}

Verdict check_error(const EvalCommand& e, const std::string& msg) {
  if (!e.expect_fail) return {false, "unexpected error: " + msg};
  if (e.fail_msg && *e.fail_msg != msg) return {false, "error \"" + msg + "\", expected \"" + *e.fail_msg + "\""};
  if (e.fail_regex) {
    try {
      if (!Regex::compile(*e.fail_regex).partial_match(msg))
        return {false, "error \"" + msg + "\" does not match /" + *e.fail_regex + "/"};
    } catch (const RegexError&) {
      return {false, "expected-error regex does not compile: " + *e.fail_regex};
    }
  }
  return {true, {}};
}

bool wants_range_mode_check(const EvalCommand& e);
Verdict at_invariance_check(const EvalCommand& e, const storage::SeriesStore& store, const promql::Engine& engine);
Verdict compare_result(const EvalCommand& e, const Value& v);

Verdict evaluate(const EvalCommand& e, const storage::SeriesStore& store, const promql::Engine& engine) {
  promql::ExprPtr expr;
  try {
    expr = promql::parse(e.expr);
  } catch (const promql::ParseError& pe) {
    return check_error(e, pe.what());
  }
  Value v;
  try {
    if (e.range) {
      if (e.step_ms <= 0 || (e.end_ms - e.start_ms) / e.step_ms > 100000) return {false, "too many steps"};
      v = engine.range_query(*expr, store, e.start_ms, e.end_ms, e.step_ms);
    } else {
      v = engine.instant_query(*expr, store, e.range_vector ? e.rv_to : e.at_ms);
    }
  } catch (const promql::EvalError& ee) {
    return check_error(e, ee.what());
  }
  if (e.expect_fail) return {false, "expected an error, got a result"};
  if (Verdict a = check_annotations("warning", e.warn, v.warnings); !a.pass) return a;
  if (Verdict a = check_annotations("info", e.info, v.infos); !a.pass) return a;
  if (e.expect_string) {
    if (v.type != ValueType::string) return {false, "expected a string result"};
    return {v.string == *e.expect_string, "string \"" + v.string + "\""};
  }
  Verdict verdict = compare_result(e, v);
  if (!verdict.pass) return verdict;
  if (!e.range && !e.range_vector) {
    Verdict at = at_invariance_check(e, store, engine);
    if (!at.pass) return at;
  }
  if (!wants_range_mode_check(e)) return verdict;
  // The harness' range-mode check: the same query as a range query from t-1m to t+1m step 1m must give
  // the expected result at t.
  Value rv;
  try {
    rv = engine.range_query(*expr, store, e.at_ms - 60000, e.at_ms + 60000, 60000);
  } catch (const std::exception& ex) {
    return {false, std::string("range-mode check: unexpected error: ") + ex.what()};
  }
  Value at_t;
  if (e.scalar) {
    at_t.type = ValueType::scalar;
    bool found = false;
    for (const auto& s : rv.matrix) {
      for (const auto& p : s.points) {
        if (p.t == e.at_ms) {
          at_t.scalar = p.v;
          found = true;
        }
      }
    }
    if (!found) return {false, "range-mode check: no point at t"};
  } else {
    at_t.type = ValueType::vector;
    for (const auto& s : rv.matrix) {
      for (const auto& p : s.points) {
        if (p.t == e.at_ms) at_t.vector.push_back({s.labels, p.v, p.t});
      }
    }
  }
  Verdict rm = compare_result(e, at_t);
  if (!rm.pass) rm.why = "range-mode check: " + rm.why;
  return rm;
}

// Adds `@ t` to every selector and subquery without one (not descending into subqueries).
void pin_at(Expr& x, TimestampMs t) {
  switch (x.kind) {
    case ExprKind::vector_selector: {
      auto& vs = static_cast<promql::VectorSelector&>(x);
      if (vs.at == promql::AtKind::none) {
        vs.at = promql::AtKind::timestamp;
        vs.at_ms = t;
      }
      return;
    }
    case ExprKind::matrix_selector: return pin_at(*static_cast<promql::MatrixSelector&>(x).vs, t);
    case ExprKind::subquery: {
      auto& sq = static_cast<promql::SubqueryExpr&>(x);
      if (sq.at == promql::AtKind::none) {
        sq.at = promql::AtKind::timestamp;
        sq.at_ms = t;
      }
      return;
    }
    case ExprKind::paren: return pin_at(*static_cast<promql::ParenExpr&>(x).expr, t);
    case ExprKind::unary: return pin_at(*static_cast<promql::UnaryExpr&>(x).expr, t);
    case ExprKind::binary: {
      auto& b = static_cast<promql::BinaryExpr&>(x);
      pin_at(*b.lhs, t);
      pin_at(*b.rhs, t);
      return;
    }
    case ExprKind::call:
      for (auto& a : static_cast<promql::CallExpr&>(x).args) pin_at(*a, t);
      return;
    case ExprKind::aggregate: {
      auto& a = static_cast<promql::AggregateExpr&>(x);
      if (a.param) pin_at(*a.param, t);
      pin_at(*a.expr, t);
      return;
    }
    default: return;
  }
}

// The harness' step-invariance check: with every selector pinned to `@ t`, evaluating at other times
// must give the same result. Skipped for time-dependent functions.
Verdict at_invariance_check(const EvalCommand& e, const storage::SeriesStore& store, const promql::Engine& engine) {
  for (const char* fn : {"time(", "timestamp(", "predict_linear(", "hour(", "minute(", "month(", "year(",
                         "day_of_month(", "day_of_week(", "day_of_year(", "days_in_month("}) {
    if (e.expr.find(fn) != std::string::npos) return {true, {}};
  }
  promql::ExprPtr pinned = promql::parse(e.expr);
  const TimestampMs t = e.at_ms;
  pin_at(*pinned, t);
  const std::vector<TimestampMs> times =
      t == 0 ? std::vector<TimestampMs>{-1000, 0, 1000} : std::vector<TimestampMs>{-10 * t, 0, t / 5, t, 10 * t};
  for (TimestampMs at : times) {
    Value v;
    try {
      v = engine.instant_query(*pinned, store, at);
    } catch (const std::exception& ex) {
      return {false, std::string("@-invariance check: unexpected error: ") + ex.what()};
    }
    Verdict r = compare_result(e, v);
    if (!r.pass) return {false, "@-invariance check at " + std::to_string(at) + "ms: " + r.why};
  }
  return {true, {}};
}

bool wants_range_mode_check(const EvalCommand& e) {
  if (e.range || e.ordered || e.range_vector || e.expect_string || e.expect_fail) return false;
  for (const char* fn : {"start()", "end()", "range()", "step()"}) {
    if (e.expr.find(fn) != std::string::npos) return false;
  }
  return true;
}

Verdict compare_result(const EvalCommand& e, const Value& v) {
  switch (v.type) {
    case ValueType::scalar:
      if (!e.scalar) return {false, "got scalar " + fmt(v.scalar) + ", expected series"};
      if (!almost_equal(v.scalar, *e.scalar)) return {false, "expected " + fmt(*e.scalar) + ", got " + fmt(v.scalar)};
      return {true, {}};
    case ValueType::vector: return compare_vector(e, v.vector);
    case ValueType::matrix:
      if (e.scalar) return {false, "expected scalar, got matrix"};
      if (e.range) return compare_matrix(e.series, v.matrix, e.start_ms, e.step_ms);
      if (e.range_vector) return compare_matrix(e.series, v.matrix, e.rv_from, e.rv_step);
      return {false, "instant query returned a range vector without 'expect range vector'"};
    case ValueType::string: return {false, "unexpected string result"};
    case ValueType::none: return {false, "no result"};
  }
  return {false, "unreachable"};
}

}  // namespace

bool almost_equal(double a, double b) {
  if (storage::is_stale_marker(a) || storage::is_stale_marker(b))
    return storage::is_stale_marker(a) && storage::is_stale_marker(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double min_normal = 2.2250738585072014e-308;
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || std::fabs(a) + std::fabs(b) < min_normal) return diff < 1e-6 * min_normal;
  return diff / (std::fabs(a) + std::fabs(b)) < 1e-6;
}

void run_load(const LoadCommand& load, storage::SeriesStore& store) {
  std::map<Labels, const SeriesLine*> last;
  for (const auto& s : load.series) last[s.labels] = &s;
  for (const auto& [labels, line] : last) {
    for (std::size_t i = 0; i < line->values.size(); ++i) {
      const SeqValue& v = line->values[i];
      const TimestampMs t = static_cast<TimestampMs>(i) * load.step_ms;
      if (v.kind == SeqValue::Kind::number) store.append(labels, t, v.value);
      else if (v.kind == SeqValue::Kind::stale) store.append(labels, t, storage::stale_marker());
    }
  }
}

Verdict run_eval(const EvalCommand& eval, const storage::SeriesStore& store, const promql::Engine& engine) {
  try {
    return evaluate(eval, store, engine);
  } catch (const std::exception& ex) {
    return {false, std::string("exception: ") + ex.what()};
  } catch (...) {
    return {false, "unknown exception"};
  }
}

}  // namespace twikit::conformance
