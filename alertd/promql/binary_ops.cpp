// Binary operators: scalar/scalar, vector/scalar and vector/vector with on/ignoring/group_x matching.

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "alertd/promql/evaluator.h"

namespace twikit::promql {
namespace {

// Applies `op` to two floats; for comparisons `keep` says whether the pair passes and the value is lhs.
double elem_binop(BinOp op, double l, double r, bool& keep) {
  keep = true;
  switch (op) {
    case BinOp::add: return l + r;
    case BinOp::sub: return l - r;
    case BinOp::mul: return l * r;
    case BinOp::div: return l / r;
    case BinOp::mod: return std::fmod(l, r);
    case BinOp::pow: return std::pow(l, r);
    case BinOp::atan2: return std::atan2(l, r);
    case BinOp::eql: keep = l == r; return l;
    case BinOp::neq: keep = l != r; return l;
    case BinOp::gtr: keep = l > r; return l;
    case BinOp::lss: keep = l < r; return l;
    case BinOp::gte: keep = l >= r; return l;
    case BinOp::lte: keep = l <= r; return l;
    default: throw EvalError(std::string("operator \"") + binop_name(op) + "\" not allowed here");
  }
}

constexpr std::uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
inline std::uint64_t mix(std::uint64_t h, const std::string& s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;
  h *= 0x100000001b3ULL;
  return h;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The match signature: on(...) hashes only the listed labels, ignoring(...) all but the listed ones
// and __name__.
std::uint64_t signature(const Labels& ls, const VectorMatching& m) {
  std::uint64_t h = kFnvBasis;
  for (const auto& [name, value] : ls) {
    const bool listed = contains(m.labels, name);
    if (m.on ? listed : (!listed && name != "__name__")) {
      h = mix(h, name);
      h = mix(h, value);
    }
  }
  return h;
}

Labels match_labels(const Labels& ls, const VectorMatching& m) {
  Labels out;
  for (const auto& l : ls) {
    const bool listed = contains(m.labels, l.first);
    if (m.on ? listed : (!listed && l.first != "__name__")) out.push_back(l);
  }
  return out;
}

EValue set_operation(const BinaryExpr& e, EVector& lhs, EVector& rhs) {
  const VectorMatching& m = e.matching;
  EVector out;
  if (e.op == BinOp::land || e.op == BinOp::lunless) {
    std::unordered_set<std::uint64_t> right;
    right.reserve(rhs.size());
    for (const auto& s : rhs) right.insert(signature(s.labels, m));
    const bool want = e.op == BinOp::land;
    for (auto& s : lhs) {
      if ((right.count(signature(s.labels, m)) > 0) == want) out.push_back(std::move(s));
    }
  } else {
    std::unordered_set<std::uint64_t> left;
    left.reserve(lhs.size());
    for (const auto& s : lhs) left.insert(signature(s.labels, m));
    out = std::move(lhs);
    for (auto& s : rhs) {
      if (left.count(signature(s.labels, m)) == 0) out.push_back(std::move(s));
    }
  }
  return EValue::of_vector(std::move(out));
}

EValue vector_binop(const BinaryExpr& e, EVector& lhs_in, EVector& rhs_in, TimestampMs t, bool delayed_name_removal) {
  // Nothing can match when one side is empty: the answer is empty, whatever duplicates the other side
  // holds (Prometheus returns before looking for them).
  if (lhs_in.empty() || rhs_in.empty()) return EValue::of_vector({});
  const VectorMatching& m = e.matching;
  const bool swapped = m.card == Cardinality::one_to_many;
  EVector& lhs = swapped ? rhs_in : lhs_in;  // the "many" (or either one-to-one) side
  EVector& rhs = swapped ? lhs_in : rhs_in;  // the "one" side
  const bool cmp = is_comparison(e.op);

  std::unordered_map<std::uint64_t, std::size_t> right;
  right.reserve(rhs.size());
  for (std::size_t i = 0; i < rhs.size(); ++i) {
    auto [it, inserted] = right.emplace(signature(rhs[i].labels, m), i);
    if (!inserted) {
      const ESample& first = rhs[it->second];
      throw EvalError("found duplicate series for the match group " +
                      labels_to_string(match_labels(rhs[i].labels, m)) + " on the " +
                      (swapped ? "left" : "right") + " hand-side of the operation: [" +
                      labels_to_string(first.labels) + ", " + labels_to_string(rhs[i].labels) +
                      "];many-to-many matching not allowed: matching labels must be unique on one side");
    }
  }

  EVector out;
  out.reserve(lhs.size());
  std::unordered_map<std::uint64_t, std::size_t> matched;  // one-to-one: signature -> lhs index
  std::unordered_set<std::uint64_t> inserted;               // group_x: output label hashes
  for (std::size_t li = 0; li < lhs.size(); ++li) {
    ESample& ls = lhs[li];
    const std::uint64_t sig = signature(ls.labels, m);
    auto rit = right.find(sig);
    if (rit == right.end()) continue;
    const ESample& rs = rhs[rit->second];
    // Checked before filtering, so a comparison that drops every match still reports the ambiguity.
    if (m.card == Cardinality::one_to_one) {
      auto [mit, fresh] = matched.emplace(sig, li);
      if (!fresh) {
        throw EvalError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
      }
    }
    double fl = ls.v, fr = rs.v;
    if (swapped) std::swap(fl, fr);
    bool keep = true;
    double value = elem_binop(e.op, fl, fr, keep);
    if (e.return_bool) {
      value = keep ? 1.0 : 0.0;
    } else if (!keep) {
      continue;
    }
    Labels labels;
    if (m.card == Cardinality::one_to_one) {
      if (m.on) {
        for (const auto& l : ls.labels) {
          if (contains(m.labels, l.first)) labels.push_back(l);
        }
      } else {
        for (const auto& l : ls.labels) {
          if (!contains(m.labels, l.first)) labels.push_back(l);
        }
      }
    } else {
      labels = ls.labels;
      // Without delayed removal the name goes before group_left/group_right copy labels, so that
      // `group_left(__name__)` keeps the one side's name (Prometheus' resultMetric).
      if (!delayed_name_removal && (e.return_bool || !cmp)) drop_metric_name(labels);
      for (const auto& name : m.include) set_label(labels, name, label_value(rs.labels, name));
    }
    const bool drop = (e.return_bool || !cmp || ls.drop_name) &&
                      (delayed_name_removal || m.card == Cardinality::one_to_one);
    if (m.card != Cardinality::one_to_one) {
      Labels key = labels;
      if (drop) drop_metric_name(key);
      if (!inserted.insert(storage::labels_hash(key)).second) {
        throw EvalError("multiple matches for labels: grouping labels must ensure unique matches");
      }
    }
    out.push_back(ESample{std::move(labels), value, t, drop});
  }
  return EValue::of_vector(std::move(out));
}

}  // namespace

EValue Evaluator::eval_binary(const BinaryExpr& e, TimestampMs t) {
  EValue lhs = eval(*e.lhs, t);
  EValue rhs = eval(*e.rhs, t);
  const bool cmp = is_comparison(e.op);
  if (lhs.type == ValueType::scalar && rhs.type == ValueType::scalar) {
    bool keep = true;
    double v = elem_binop(e.op, lhs.scalar, rhs.scalar, keep);
    if (cmp) v = keep ? 1.0 : 0.0;
    return EValue::of_scalar(v);
  }
  if (lhs.type == ValueType::vector && rhs.type == ValueType::vector) {
    if (is_set_operator(e.op)) return set_operation(e, lhs.vec, rhs.vec);
    return vector_binop(e, lhs.vec, rhs.vec, t, options().delayed_name_removal);
  }
  // vector op scalar, or scalar op vector.
  const bool scalar_left = lhs.type == ValueType::scalar;
  EVector& vec = scalar_left ? rhs.vec : lhs.vec;
  const double sv = scalar_left ? lhs.scalar : rhs.scalar;
  EVector out;
  out.reserve(vec.size());
  for (auto& s : vec) {
    const double l = scalar_left ? sv : s.v;
    const double r = scalar_left ? s.v : sv;
    bool keep = true;
    double value = elem_binop(e.op, l, r, keep);
    if (cmp) {
      if (e.return_bool) {
        value = keep ? 1.0 : 0.0;
      } else if (!keep) {
        continue;
      } else {
        value = s.v;  // a filter keeps the vector's own value, whichever side it is on
      }
    }
    s.v = value;
    s.t = t;
    if (!cmp || e.return_bool) s.drop_name = true;
    out.push_back(std::move(s));
  }
  return EValue::of_vector(std::move(out));
}

}  // namespace twikit::promql
