#include "alertd/promql/parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <variant>

#include "alertd/promql/functions.h"
#include "alertd/promql/lexer.h"
#include "alertd/promql/number.h"

namespace twikit::promql {
namespace {

using storage::LabelMatcher;
using storage::MatchType;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct OpInfo {
  BinOp op;
  int prec;
};

// Precedence, lowest first: or; and unless; comparisons; + -; * / % atan2; ^ (right-associative).
constexpr int kMulPrec = 5;

bool binop_of(const Token& t, OpInfo& out) {
  if (t.kind == TokenKind::op) {
    static const std::pair<const char*, OpInfo> ops[] = {
        {"+", {BinOp::add, 4}},  {"-", {BinOp::sub, 4}},  {"*", {BinOp::mul, 5}},
        {"/", {BinOp::div, 5}},  {"%", {BinOp::mod, 5}},  {"^", {BinOp::pow, 6}},
        {"==", {BinOp::eql, 3}}, {"!=", {BinOp::neq, 3}}, {">", {BinOp::gtr, 3}},
        {"<", {BinOp::lss, 3}},  {">=", {BinOp::gte, 3}}, {"<=", {BinOp::lte, 3}}};
    for (const auto& [s, info] : ops) {
      if (t.text == s) {
        out = info;
        return true;
      }
    }
    return false;
  }
  if (t.kind != TokenKind::identifier) return false;
  const std::string w = lower(t.text);
  if (w == "or") out = {BinOp::lor, 1};
  else if (w == "and") out = {BinOp::land, 2};
  else if (w == "unless") out = {BinOp::lunless, 2};
  else if (w == "atan2") out = {BinOp::atan2, 5};
  else return false;
  return true;
}

bool is_keyword(std::string_view w) {
  static const char* const kws[] = {"by", "without", "on", "ignoring", "group_left", "group_right",
                                     "bool", "offset", "and", "or", "unless", "atan2"};
  const std::string l = lower(w);
  return std::any_of(std::begin(kws), std::end(kws), [&](const char* k) { return l == k; });
}

const std::pair<const char*, AggOp> kAggOps[] = {
    {"sum", AggOp::sum},       {"avg", AggOp::avg},         {"min", AggOp::min},
    {"max", AggOp::max},       {"count", AggOp::count},     {"group", AggOp::group},
    {"stddev", AggOp::stddev}, {"stdvar", AggOp::stdvar},   {"topk", AggOp::topk},
    {"bottomk", AggOp::bottomk}, {"quantile", AggOp::quantile}, {"count_values", AggOp::count_values},
    {"limitk", AggOp::limitk}, {"limit_ratio", AggOp::limit_ratio}};

bool agg_of(std::string_view w, AggOp& out) {
  const std::string l = lower(w);
  for (const auto& [s, op] : kAggOps) {
    if (l == s) {
      out = op;
      return true;
    }
  }
  return false;
}

bool agg_has_param(AggOp op) {
  return op == AggOp::topk || op == AggOp::bottomk || op == AggOp::quantile ||
         op == AggOp::count_values || op == AggOp::limitk || op == AggOp::limit_ratio;
}

// Go's %f: six decimals, "+Inf", "-Inf", "NaN".
std::string go_float_f(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

class Parser {
 public:
  explicit Parser(std::string_view q) : q_(q) {
    try {
      toks_ = lex(q);
    } catch (const LexError& e) {
      throw ParseError(q_, e.pos, e.message);
    }
  }

  ExprPtr run() {
    if (peek().kind == TokenKind::eof) fail(0, "no expression found in input");
    ExprPtr e = parse_expr(0);
    if (peek().kind != TokenKind::eof) fail(peek().pos, "unexpected " + describe(peek()));
    return e;
  }

 private:
  [[noreturn]] void fail(std::uint32_t pos, std::string msg) const {
    throw ParseError(q_, pos, std::move(msg));
  }
  const Token& peek(std::size_t k = 0) const { return toks_[std::min(i_ + k, toks_.size() - 1)]; }
  Token next() { return toks_[std::min(i_++, toks_.size() - 1)]; }
  bool peek_word(std::string_view w, std::size_t k = 0) const {
    return peek(k).kind == TokenKind::identifier && lower(peek(k).text) == w;
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::eof: return "end of input";
      case TokenKind::identifier: return is_keyword(t.text) ? "<" + lower(t.text) + ">" : "identifier \"" + t.text + "\"";
      case TokenKind::number: return "number \"" + t.text + "\"";
      case TokenKind::duration: return "duration \"" + t.text + "\"";
      case TokenKind::string: return "string";
      case TokenKind::comma: return "\",\"";
      case TokenKind::rparen: return "\")\"";
      case TokenKind::rbrace: return "\"}\"";
      case TokenKind::rbracket: return "\"]\"";
      case TokenKind::op: return "<op:" + t.text + ">";  // as Prometheus' parser names operators
      default: return "\"" + t.text + "\"";
    }
  }
  double number(const Token& t) const {
    const auto v = parse_number_literal(t.text);
    if (const auto* error = std::get_if<std::string>(&v)) fail(t.pos, *error);
    return std::get<double>(v);
  }
  std::int64_t duration_ms(const Token& t) const {
    try {
      return parse_duration_ms(t.text);
    } catch (const std::exception&) {
      fail(t.pos, "invalid duration \"" + t.text + "\"");
    }
  }
  Token expect(TokenKind k, const char* what) {
    if (peek().kind != k) fail(peek().pos, "unexpected " + describe(peek()) + ", expected " + what);
    return next();
  }

  // Every recursion of the parser passes through here, so counting the nesting bounds its stack.
  class NestingGuard {
   public:
    explicit NestingGuard(Parser& p) : p_(p) {
      if (++p_.nesting_ > kMaxExprDepth) p_.fail_too_deep(p_.peek().pos);
    }
    ~NestingGuard() { --p_.nesting_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser& p_;
  };

  // Names the construct an "unexpected token" error is in ("aggregation"), as Prometheus' messages do:
  // anywhere inside an aggregation's parentheses, through nested parentheses and function calls.
  class ContextGuard {
   public:
    ContextGuard(Parser& p, const char* context) : p_(p), saved_(p.context_) { p_.context_ = context; }
    ~ContextGuard() { p_.context_ = saved_; }
    ContextGuard(const ContextGuard&) = delete;
    ContextGuard& operator=(const ContextGuard&) = delete;

   private:
    Parser& p_;
    const char* saved_;
  };

  [[noreturn]] void fail_too_deep(std::uint32_t pos) const {
    fail(pos, "expression nesting depth exceeds the maximum of " + std::to_string(kMaxExprDepth));
  }

  // Sets `e`'s height from its children's tallest; a tree deeper than kMaxExprDepth fails at `pos`.
  void set_height(Expr& e, std::uint32_t tallest_child, std::uint32_t pos) const {
    e.height = tallest_child + 1;
    if (e.height > kMaxExprDepth) fail_too_deep(pos);
  }

  ExprPtr parse_expr(int min_prec) {
    const NestingGuard guard(*this);
    ExprPtr lhs = parse_unary();
    while (true) {
      OpInfo info{};
      if (!binop_of(peek(), info) || info.prec < min_prec) break;
      const Token op_tok = next();
      auto bin = std::make_unique<BinaryExpr>(PosRange{lhs->pos.start, 0}, info.op, std::move(lhs), nullptr);
      bool has_modifiers = false;
      if (peek_word("bool")) {
        next();
        bin->return_bool = true;
      }
      if (peek_word("on") || peek_word("ignoring")) {
        bin->matching.on = peek_word("on");
        next();
        bin->matching.labels = parse_label_list();
        has_modifiers = true;
      }
      if (peek_word("group_left") || peek_word("group_right")) {
        // Prometheus' grammar takes group_left/group_right only after on(...) or ignoring(...).
        if (!has_modifiers) fail(peek().pos, "unexpected <" + peek().text + ">");
        bin->matching.card = peek_word("group_left") ? Cardinality::many_to_one : Cardinality::one_to_many;
        next();
        if (peek().kind == TokenKind::lparen) bin->matching.include = parse_label_list();
        has_modifiers = true;
      }
      const int next_min = info.op == BinOp::pow ? info.prec : info.prec + 1;
      bin->rhs = parse_expr(next_min);
      bin->pos.end = bin->rhs->pos.end;
      set_height(*bin, std::max(bin->lhs->height, bin->rhs->height), op_tok.pos);
      check_binary(*bin, has_modifiers, op_tok);
      lhs = std::move(bin);
    }
    return lhs;
  }

  void check_binary(BinaryExpr& b, bool has_modifiers, const Token& op_tok) const {
    const ValueType lt = b.lhs->type(), rt = b.rhs->type();
    auto ok_type = [](ValueType t) { return t == ValueType::scalar || t == ValueType::vector; };
    if (!ok_type(lt) || !ok_type(rt))
      fail(b.pos.start, "binary expression must contain only scalar and instant vector types");
    if (b.return_bool && !is_comparison(b.op))
      fail(op_tok.pos, "bool modifier can only be used on comparison operators");
    if (is_comparison(b.op) && !b.return_bool && lt == ValueType::scalar && rt == ValueType::scalar)
      fail(b.pos.start, "comparisons between scalars must use BOOL modifier");
    if (is_set_operator(b.op)) {
      if (lt == ValueType::scalar || rt == ValueType::scalar)
        fail(b.pos.start, std::string("set operator \"") + binop_name(b.op) +
                              "\" not allowed in binary scalar expression");
      if (b.matching.card == Cardinality::many_to_one || b.matching.card == Cardinality::one_to_many)
        fail(op_tok.pos, std::string("no grouping allowed for \"") + binop_name(b.op) + "\" operation");
      b.matching.card = Cardinality::many_to_many;
    }
    if (has_modifiers && (lt != ValueType::vector || rt != ValueType::vector))
      fail(b.pos.start, "vector matching only allowed between instant vectors");
    if (b.matching.on) {
      for (const auto& l : b.matching.include) {
        if (std::find(b.matching.labels.begin(), b.matching.labels.end(), l) != b.matching.labels.end())
          fail(op_tok.pos, "label \"" + l + "\" must not occur in ON and GROUP clause at once");
      }
    }
  }

  ExprPtr parse_unary() {
    if (peek().kind == TokenKind::op && (peek().text == "-" || peek().text == "+")) {
      const Token op = next();
      ExprPtr operand = parse_expr(kMulPrec + 1);
      const ValueType t = operand->type();
      if (t != ValueType::scalar && t != ValueType::vector)
        fail(op.pos, "unary expression only allowed on expressions of type scalar or instant vector, got \"" +
                         std::string(value_type_name(t)) + "\"");
      if (operand->kind == ExprKind::number_literal) {
        auto& n = static_cast<NumberLiteral&>(*operand);
        if (op.text == "-") n.value = -n.value;
        n.pos.start = op.pos;
        return operand;
      }
      const std::uint32_t end = operand->pos.end;
      const std::uint32_t h = operand->height;
      auto u = std::make_unique<UnaryExpr>(PosRange{op.pos, end}, op.text[0], std::move(operand));
      set_height(*u, h, op.pos);
      return u;
    }
    return parse_postfix(parse_primary());
  }

  std::int64_t parse_duration_token(bool allow_negative) {
    bool neg = false;
    const std::uint32_t pos = peek().pos;
    if (peek().kind == TokenKind::op && (peek().text == "-" || peek().text == "+")) {
      if (!allow_negative) fail(pos, "unexpected " + describe(peek()) + ", expected duration");
      neg = next().text == "-";
    }
    const Token t = next();
    std::int64_t ms = 0;
    if (t.kind == TokenKind::duration) {
      ms = duration_ms(t);
    } else if (t.kind == TokenKind::number) {
      const double secs = number(t);
      if (!std::isfinite(secs) || std::fabs(secs) * 1000 > 9.2e18) fail(t.pos, "duration out of range");
      ms = static_cast<std::int64_t>(std::llround(secs * 1000));
    } else {
      fail(t.pos, "unexpected " + describe(t) + ", expected duration");
    }
    return neg ? -ms : ms;
  }

  ExprPtr parse_postfix(ExprPtr e) {
    while (true) {
      if (peek().kind == TokenKind::lbracket) {
        const Token lb = next();
        const std::int64_t range = parse_duration_token(false);
        if (peek().kind == TokenKind::colon) {
          next();
          std::int64_t step = 0;
          if (peek().kind != TokenKind::rbracket) step = parse_duration_token(false);
          const Token rb = expect(TokenKind::rbracket, "\"]\"");
          if (e->type() != ValueType::vector)
            fail(e->pos.start, "subquery is only allowed on instant vector, got " +
                                   std::string(value_type_name(e->type())) + " instead");
          const std::uint32_t h = e->height;
          auto sq = std::make_unique<SubqueryExpr>(PosRange{e->pos.start, rb.end}, std::move(e));
          set_height(*sq, h, lb.pos);
          sq->range_ms = range;
          sq->step_ms = step;
          e = std::move(sq);
          continue;
        }
        const Token rb = expect(TokenKind::rbracket, "\"]\"");
        if (e->kind != ExprKind::vector_selector)
          fail(lb.pos, "ranges only allowed for vector selectors");
        const auto& vs = static_cast<const VectorSelector&>(*e);
        if (vs.offset_ms != 0 || vs.at != AtKind::none)
          fail(lb.pos, "no offset or @ modifiers allowed before range");
        if (range <= 0) fail(lb.pos, "range must be positive");
        const std::uint32_t start = e->pos.start;
        e = std::make_unique<MatrixSelector>(PosRange{start, rb.end}, std::move(e), range);
        e->height = 2;
        continue;
      }
      if (peek_word("offset")) {
        const Token kw = next();
        const std::int64_t off = parse_duration_token(true);
        std::int64_t* slot = modifier_slot_offset(*e, kw.pos);
        if (*slot != 0) fail(kw.pos, "offset may not be set multiple times");
        *slot = off;
        e->pos.end = toks_[i_ - 1].end;
        continue;
      }
      if (peek().kind == TokenKind::at) {
        const Token at = next();
        AtKind kind = AtKind::timestamp;
        TimestampMs at_ms = 0;
        if (peek().kind == TokenKind::identifier && (peek().text == "start" || peek().text == "end")) {
          kind = peek().text == "start" ? AtKind::start : AtKind::end;
          next();
          expect(TokenKind::lparen, "\"(\"");
          expect(TokenKind::rparen, "\")\"");
        } else {
          bool neg = false;
          if (peek().kind == TokenKind::op && (peek().text == "-" || peek().text == "+")) neg = next().text == "-";
          const Token n = next();
          const bool inf_nan = n.kind == TokenKind::identifier && (lower(n.text) == "inf" || lower(n.text) == "nan");
          if (n.kind != TokenKind::number && n.kind != TokenKind::duration && !inf_nan)
            fail(n.pos, "unexpected " + describe(n) + " in @, expected timestamp");
          double secs = 0;
          if (inf_nan) {
            secs = lower(n.text) == "inf" ? std::numeric_limits<double>::infinity()
                                          : std::numeric_limits<double>::quiet_NaN();
          } else if (n.kind == TokenKind::number) {
            secs = number(n);
          } else {
            secs = static_cast<double>(duration_ms(n)) / 1000;
          }
          if (neg) secs = -secs;
          // Prometheus bounds the seconds by int64; milliseconds must fit here, which is 1000 times tighter.
          if (!std::isfinite(secs) || std::fabs(secs) * 1000 >= 9.2e18)
            fail(e->pos.start, "timestamp out of bounds for @ modifier: " + go_float_f(secs));
          at_ms = static_cast<TimestampMs>(std::llround(secs * 1000));
        }
        AtKind* slot = nullptr;
        TimestampMs* ms_slot = nullptr;
        if (e->kind == ExprKind::vector_selector) {
          auto& vs = static_cast<VectorSelector&>(*e);
          slot = &vs.at;
          ms_slot = &vs.at_ms;
        } else if (e->kind == ExprKind::matrix_selector) {
          auto& vs = static_cast<VectorSelector&>(*static_cast<MatrixSelector&>(*e).vs);
          slot = &vs.at;
          ms_slot = &vs.at_ms;
        } else if (e->kind == ExprKind::subquery) {
          auto& sq = static_cast<SubqueryExpr&>(*e);
          slot = &sq.at;
          ms_slot = &sq.at_ms;
        } else {
          fail(at.pos, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
        if (*slot != AtKind::none) fail(at.pos, "@ <timestamp> may not be set multiple times");
        *slot = kind;
        *ms_slot = at_ms;
        continue;
      }
      return e;
    }
  }

  std::int64_t* modifier_slot_offset(Expr& e, std::uint32_t pos) const {
    if (e.kind == ExprKind::vector_selector) return &static_cast<VectorSelector&>(e).offset_ms;
    if (e.kind == ExprKind::matrix_selector)
      return &static_cast<VectorSelector&>(*static_cast<MatrixSelector&>(e).vs).offset_ms;
    if (e.kind == ExprKind::subquery) return &static_cast<SubqueryExpr&>(e).offset_ms;
    fail(pos, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::number: {
        const Token n = next();
        return std::make_unique<NumberLiteral>(PosRange{n.pos, n.end}, number(n));
      }
      case TokenKind::duration: {
        const Token n = next();
        return std::make_unique<NumberLiteral>(PosRange{n.pos, n.end},
                                               static_cast<double>(duration_ms(n)) / 1000.0);
      }
      case TokenKind::string: {
        const Token s = next();
        return std::make_unique<StringLiteral>(PosRange{s.pos, s.end}, s.text);
      }
      case TokenKind::lparen: {
        const Token lp = next();
        ExprPtr inner = parse_expr(0);
        const Token rp = expect(TokenKind::rparen, "\")\"");
        const std::uint32_t h = inner->height;
        auto paren = std::make_unique<ParenExpr>(PosRange{lp.pos, rp.end}, std::move(inner));
        set_height(*paren, h, lp.pos);
        return paren;
      }
      case TokenKind::lbrace:
        return parse_selector(std::string(), t.pos);
      case TokenKind::identifier:
        return parse_identifier();
      default:
        fail(t.pos, "unexpected " + describe(t) + (context_ ? std::string(" in ") + context_ : std::string()));
    }
  }

  ExprPtr parse_identifier() {
    const Token id = peek();
    AggOp agg{};
    if (agg_of(id.text, agg) &&
        (peek(1).kind == TokenKind::lparen || peek_word("by", 1) || peek_word("without", 1))) {
      next();
      return parse_aggregate(agg, id);
    }
    if (peek(1).kind == TokenKind::lparen) {
      const FunctionInfo* f = find_function(id.text);
      if (f == nullptr) fail(id.pos, "unknown function with name \"" + id.text + "\"");
      next();
      return parse_call(f, id);
    }
    const std::string l = lower(id.text);
    if (l == "inf" || l == "nan") {
      next();
      return std::make_unique<NumberLiteral>(PosRange{id.pos, id.end},
                                             l == "inf" ? std::numeric_limits<double>::infinity()
                                                        : std::numeric_limits<double>::quiet_NaN());
    }
    if (is_keyword(id.text)) fail(id.pos, "unexpected " + describe(id));
    next();
    if (peek().kind == TokenKind::lbrace) return parse_selector(id.text, id.pos);
    auto vs = std::make_unique<VectorSelector>(PosRange{id.pos, id.end});
    vs->name = id.text;
    vs->matchers.emplace_back(MatchType::eq, "__name__", id.text);
    return vs;
  }

  ExprPtr parse_selector(std::string name, std::uint32_t start) {
    expect(TokenKind::lbrace, "\"{\"");
    auto vs = std::make_unique<VectorSelector>(PosRange{start, 0});
    std::vector<LabelMatcher> ms;
    while (peek().kind != TokenKind::rbrace) {
      const Token lname = next();
      if (lname.kind != TokenKind::identifier && lname.kind != TokenKind::string)
        fail(lname.pos, "unexpected " + describe(lname) + " in label matching, expected label");
      if (lname.kind == TokenKind::string &&
          (peek().kind == TokenKind::comma || peek().kind == TokenKind::rbrace)) {
        // {"metric.name"}: a quoted metric name.
        if (!name.empty()) fail(lname.pos, "metric name must not be set twice: \"" + name + "\" or \"" + lname.text + "\"");
        name = lname.text;
      } else {
        const Token op = next();
        MatchType mt;
        if (op.kind == TokenKind::assign) mt = MatchType::eq;
        else if (op.kind == TokenKind::op && op.text == "!=") mt = MatchType::neq;
        else if (op.kind == TokenKind::op && op.text == "=~") mt = MatchType::re;
        else if (op.kind == TokenKind::op && op.text == "!~") mt = MatchType::nre;
        else fail(op.pos, "unexpected " + describe(op) + " in label matching, expected label matching operator");
        const Token val = next();
        if (val.kind != TokenKind::string)
          fail(val.pos, "unexpected " + describe(val) + " in label matching, expected string");
        try {
          ms.emplace_back(mt, lname.text, val.text);
        } catch (const std::exception& e) {
          fail(val.pos, "invalid regular expression \"" + val.text + "\": " + e.what());
        }
      }
      if (peek().kind == TokenKind::comma) {
        next();
        continue;
      }
      if (peek().kind != TokenKind::rbrace)
        fail(peek().pos, "unexpected " + describe(peek()) + " in label matching, expected \",\" or \"}\"");
    }
    const Token rb = next();
    vs->pos.end = rb.end;
    if (!name.empty()) {
      for (const auto& m : ms) {
        if (m.name() == "__name__")
          fail(start, "metric name must not be set twice: \"" + name + "\" or \"" + m.value() + "\"");
      }
      // Built front to back: GCC 12 at -O3 misreads vector::insert at begin() as a null dereference.
      std::vector<LabelMatcher> with_name;
      with_name.reserve(ms.size() + 1);
      with_name.emplace_back(MatchType::eq, "__name__", name);
      std::move(ms.begin(), ms.end(), std::back_inserter(with_name));
      ms = std::move(with_name);
    }
    const bool any_non_empty = std::any_of(ms.begin(), ms.end(), [](const LabelMatcher& m) { return !m.matches_empty(); });
    if (!any_non_empty) fail(start, "vector selector must contain at least one non-empty matcher");
    vs->name = std::move(name);
    vs->matchers = std::move(ms);
    return vs;
  }

  std::vector<std::string> parse_label_list() {
    expect(TokenKind::lparen, "\"(\"");
    std::vector<std::string> out;
    while (peek().kind != TokenKind::rparen) {
      const Token l = next();
      if (l.kind != TokenKind::identifier && l.kind != TokenKind::string)
        fail(l.pos, "unexpected " + describe(l) + " in grouping opts, expected label");
      if (l.kind == TokenKind::identifier && !is_valid_label_name(l.text) && !is_keyword(l.text))
        fail(l.pos, "invalid label name \"" + l.text + "\"");
      out.push_back(l.text);
      if (peek().kind == TokenKind::comma) {
        next();
        continue;
      }
      if (peek().kind != TokenKind::rparen)
        fail(peek().pos, "unexpected " + describe(peek()) + " in grouping opts, expected \",\" or \")\"");
    }
    next();
    return out;
  }

  ExprPtr parse_aggregate(AggOp op, const Token& id) {
    auto agg = std::make_unique<AggregateExpr>(PosRange{id.pos, 0}, op);
    bool have_grouping = false;
    if (peek_word("by") || peek_word("without")) {
      agg->without = peek_word("without");
      next();
      agg->grouping = parse_label_list();
      have_grouping = true;
    }
    const Token lp = expect(TokenKind::lparen, "\"(\"");
    std::vector<ExprPtr> args;
    while (peek().kind != TokenKind::rparen) {
      {
        const ContextGuard context(*this, "aggregation");
        args.push_back(parse_expr(0));
      }
      if (peek().kind == TokenKind::comma) {
        next();
        continue;
      }
      if (peek().kind != TokenKind::rparen)
        fail(peek().pos, "unexpected " + describe(peek()) + " in aggregation, expected \",\" or \")\"");
    }
    const Token rp = next();
    agg->pos.end = rp.end;
    if (!have_grouping && (peek_word("by") || peek_word("without"))) {
      agg->without = peek_word("without");
      next();
      agg->grouping = parse_label_list();
      agg->pos.end = toks_[i_ - 1].end;
    }
    std::uint32_t tallest = 0;
    for (const auto& a : args) tallest = std::max(tallest, a->height);
    set_height(*agg, tallest, id.pos);
    const std::size_t want = agg_has_param(op) ? 2 : 1;
    if (args.size() != want)
      fail(lp.pos, "wrong number of arguments for aggregate expression provided, expected " +
                       std::to_string(want) + ", got " + std::to_string(args.size()));
    if (want == 2) {
      agg->param = std::move(args[0]);
      agg->expr = std::move(args[1]);
      const ValueType need = op == AggOp::count_values ? ValueType::string : ValueType::scalar;
      if (agg->param->type() != need)
        fail(agg->param->pos.start, std::string("expected type ") + value_type_name(need) +
                                        " in aggregation parameter, got " + value_type_name(agg->param->type()));
    } else {
      agg->expr = std::move(args[0]);
    }
    if (agg->expr->type() != ValueType::vector)
      fail(agg->expr->pos.start, std::string("expected type instant vector in aggregation expression, got ") +
                                     value_type_name(agg->expr->type()));
    return agg;
  }

  ExprPtr parse_call(const FunctionInfo* f, const Token& id) {
    auto call = std::make_unique<CallExpr>(PosRange{id.pos, 0}, f);
    expect(TokenKind::lparen, "\"(\"");
    while (peek().kind != TokenKind::rparen) {
      call->args.push_back(parse_expr(0));
      if (peek().kind == TokenKind::comma) {
        next();
        continue;
      }
      if (peek().kind != TokenKind::rparen)
        fail(peek().pos, "unexpected " + describe(peek()) + " in call to function \"" + id.text +
                             "\", expected \",\" or \")\"");
    }
    call->pos.end = next().end;
    std::uint32_t tallest = 0;
    for (const auto& a : call->args) tallest = std::max(tallest, a->height);
    set_height(*call, tallest, id.pos);
    const std::size_t n = call->args.size();
    const std::size_t declared = f->arg_types.size();
    if (f->variadic == 0) {
      if (n != declared)
        fail(call->pos.start, "expected " + std::to_string(declared) + " argument(s) in call to \"" + id.text +
                                  "\", got " + std::to_string(n));
    } else {
      const std::size_t min_args = declared - 1;
      if (n < min_args)
        fail(call->pos.start, "expected at least " + std::to_string(min_args) + " argument(s) in call to \"" +
                                  id.text + "\", got " + std::to_string(n));
      if (f->variadic > 0 && n > min_args + static_cast<std::size_t>(f->variadic))
        fail(call->pos.start, "expected at most " + std::to_string(min_args + static_cast<std::size_t>(f->variadic)) +
                                  " argument(s) in call to \"" + id.text + "\", got " + std::to_string(n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      const ValueType want = f->arg_types[std::min(i, declared - 1)];
      const ValueType got = call->args[i]->type();
      if (want != got)
        fail(call->args[i]->pos.start, std::string("expected type ") + value_type_name(want) +
                                           " in call to function \"" + id.text + "\", got " + value_type_name(got));
    }
    return call;
  }

  std::string_view q_;
  std::vector<Token> toks_;
  std::size_t i_ = 0;
  std::uint32_t nesting_ = 0;  // parse_expr calls in progress
  const char* context_ = nullptr;  // see ContextGuard
};

int line_of(std::string_view q, std::uint32_t offset, int& col) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < q.size(); ++i) {
    if (q[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  col = static_cast<int>(offset - line_start) + 1;
  return line;
}

std::string position_prefix(std::string_view q, std::uint32_t offset) {
  int col = 0;
  const int line = line_of(q, offset, col);
  return std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace

ParseError::ParseError(std::string_view query, std::uint32_t off, std::string msg)
    : std::runtime_error(position_prefix(query, off) + ": parse error: " + msg),
      offset(off),
      line(0),
      col(0),
      message(std::move(msg)) {
  line = line_of(query, off, col);
}

ExprPtr parse(std::string_view query) { return Parser(query).run(); }

}  // namespace twikit::promql
