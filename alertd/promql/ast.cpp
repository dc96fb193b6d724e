#include "alertd/promql/ast.h"

#include <stdexcept>

#include "alertd/promql/functions.h"
#include "alertd/promql/parser.h"
#include "common/duration.h"

namespace twikit::promql {

const char* binop_name(BinOp op) {
  static const char* const names[] = {"or", "and", "unless", "==", "!=", ">", "<", ">=", "<=",
                                      "+",  "-",   "*",      "/",  "%",  "atan2", "^"};
  return names[static_cast<int>(op)];
}

bool is_comparison(BinOp op) { return op >= BinOp::eql && op <= BinOp::lte; }

bool is_set_operator(BinOp op) { return op == BinOp::lor || op == BinOp::land || op == BinOp::lunless; }

const char* aggop_name(AggOp op) {
  static const char* const names[] = {"sum",    "avg",    "min",  "max",     "count",    "group",        "stddev",
                                      "stdvar", "topk",   "bottomk", "quantile", "count_values", "limitk", "limit_ratio"};
  return names[static_cast<int>(op)];
}

ValueType Expr::type() const {
  switch (kind) {
    case ExprKind::number_literal: return ValueType::scalar;
    case ExprKind::string_literal: return ValueType::string;
    case ExprKind::vector_selector: return ValueType::vector;
    case ExprKind::matrix_selector: return ValueType::matrix;
    case ExprKind::subquery: return ValueType::matrix;
    case ExprKind::paren: return static_cast<const ParenExpr*>(this)->expr->type();
    case ExprKind::unary: return static_cast<const UnaryExpr*>(this)->expr->type();
    case ExprKind::binary: {
      const auto* b = static_cast<const BinaryExpr*>(this);
      return b->lhs->type() == ValueType::scalar && b->rhs->type() == ValueType::scalar ? ValueType::scalar
                                                                                      : ValueType::vector;
    }
    case ExprKind::call: return static_cast<const CallExpr*>(this)->func->return_type;
    case ExprKind::aggregate: return ValueType::vector;
  }
  return ValueType::none;
}

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out;
}

std::string modifiers(std::int64_t offset_ms, AtKind at, TimestampMs at_ms) {
  std::string out;
  if (at == AtKind::timestamp) out += " @ " + format_float(static_cast<double>(at_ms) / 1000.0);
  if (at == AtKind::start) out += " @ start()";
  if (at == AtKind::end) out += " @ end()";
  if (offset_ms > 0) out += " offset " + format_duration(offset_ms);
  if (offset_ms < 0) out += " offset -" + format_duration(-offset_ms);
  return out;
}

std::string selector_string(const VectorSelector& vs) {
  std::string out = vs.name;
  std::string inner;
  for (const auto& m : vs.matchers) {
    if (!vs.name.empty() && m.name() == "__name__" && m.type() == storage::MatchType::eq) continue;
    if (!inner.empty()) inner += ", ";
    inner += m.to_string();
  }
  if (!inner.empty() || vs.name.empty()) out += "{" + inner + "}";
  return out;
}

}  // namespace

std::string Expr::to_string() const {
  switch (kind) {
    case ExprKind::number_literal: return format_float(static_cast<const NumberLiteral*>(this)->value);
    case ExprKind::string_literal: return quote(static_cast<const StringLiteral*>(this)->value);
    case ExprKind::vector_selector: {
      const auto* vs = static_cast<const VectorSelector*>(this);
      return selector_string(*vs) + modifiers(vs->offset_ms, vs->at, vs->at_ms);
    }
    case ExprKind::matrix_selector: {
      const auto* ms = static_cast<const MatrixSelector*>(this);
      const auto& vs = ms->selector();
      return selector_string(vs) + "[" + format_duration(ms->range_ms) + "]" + modifiers(vs.offset_ms, vs.at, vs.at_ms);
    }
    case ExprKind::subquery: {
      const auto* sq = static_cast<const SubqueryExpr*>(this);
      return sq->expr->to_string() + "[" + format_duration(sq->range_ms) + ":" +
             (sq->step_ms ? format_duration(sq->step_ms) : "") + "]" + modifiers(sq->offset_ms, sq->at, sq->at_ms);
    }
    case ExprKind::paren: {
      std::string out = "(";
      out += static_cast<const ParenExpr*>(this)->expr->to_string();
      out += ')';
      return out;
    }
    case ExprKind::unary: {
      const auto* u = static_cast<const UnaryExpr*>(this);
      return std::string(1, u->op) + u->expr->to_string();
    }
    case ExprKind::binary: {
      const auto* b = static_cast<const BinaryExpr*>(this);
      std::string out = b->lhs->to_string() + " " + binop_name(b->op);
      if (b->return_bool) out += " bool";
      const auto& m = b->matching;
      if (m.on || !m.labels.empty()) out += std::string(m.on ? " on(" : " ignoring(") + join(m.labels) + ")";
      if (m.card == Cardinality::many_to_one) out += " group_left(" + join(m.include) + ")";
      if (m.card == Cardinality::one_to_many) out += " group_right(" + join(m.include) + ")";
      return out + " " + b->rhs->to_string();
    }
    case ExprKind::call: {
      const auto* c = static_cast<const CallExpr*>(this);
      std::string out = std::string(c->func->name) + "(";
      for (std::size_t i = 0; i < c->args.size(); ++i) {
        if (i) out += ", ";
        out += c->args[i]->to_string();
      }
      return out + ")";
    }
    case ExprKind::aggregate: {
      const auto* a = static_cast<const AggregateExpr*>(this);
      std::string out = aggop_name(a->op);
      if (a->without || !a->grouping.empty()) out += std::string(a->without ? " without (" : " by (") + join(a->grouping) + ")";
      out += " (";
      if (a->param) out += a->param->to_string() + ", ";
      return out + a->expr->to_string() + ")";
    }
  }
  return {};
}

std::int64_t parse_duration_ms(std::string_view text) {
  auto v = twikit::parse_duration_ms(text);
  if (!v) throw std::invalid_argument("invalid duration \"" + std::string(text) + "\"");
  return *v;
}

std::string format_duration(std::int64_t ms) { return twikit::format_duration_ms(ms); }

}  // namespace twikit::promql
