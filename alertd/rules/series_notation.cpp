#include "alertd/rules/series_notation.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <variant>

#include "alertd/promql/lexer.h"
#include "alertd/promql/number.h"
#include "common/duration.h"

namespace twikit::rules {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void fail_at(std::size_t offset, const std::string& msg) {
  throw std::invalid_argument("1:" + std::to_string(offset + 1) + ": parse error: " + msg);
}

// Reads one item of the value notation (an item is what stands between spaces; a histogram's braces may
// hold spaces), scanning as Prometheus' lexer does in a series description: a number is digits, a
// fraction and an exponent and may be followed only by `x` or a non-alphanumeric character; a word is a
// letter or '_' and then letters, digits and ':' (so `NaNx3` is one word, and not a value).
class ItemReader {
 public:
  ItemReader(std::string_view item, SeriesSyntax syntax) : item_(item), syntax_(syntax) {}

  void read(std::vector<InputValue>& out) {
    if (item_ == "_") {
      out.push_back({InputValue::Kind::missing, 0});
      return;
    }
    if (item_.size() > 1 && item_[0] == '_') {
      i_ = 1;
      const std::uint64_t n = times();
      for (std::uint64_t k = 0; k < n; ++k) out.push_back({InputValue::Kind::missing, 0});
      return;
    }
    if (item_.substr(0, 2) == "{{") {
      read_histograms(out);
      return;
    }
    const InputValue start = value();
    if (i_ == item_.size()) {
      out.push_back(start);
      return;
    }
    double step = 0;
    if (item_[i_] == '+' || item_[i_] == '-') {
      const InputValue delta = value();
      if (start.kind != InputValue::Kind::number || delta.kind != InputValue::Kind::number) bad();
      step = delta.value;
    }
    const std::uint64_t n = times();
    if (start.kind != InputValue::Kind::number) {
      for (std::uint64_t k = 0; k <= n; ++k) out.push_back(start);
      return;
    }
    // Cumulative addition, as Prometheus' parser does (the rounding matches its output).
    double v = start.value;
    for (std::uint64_t k = 0; k <= n; ++k) {
      out.push_back({InputValue::Kind::number, v});
      v += step;
    }
  }

 private:
  [[noreturn]] void bad() const {
    const bool expanding = item_.find('x') != std::string_view::npos;
    throw std::invalid_argument(std::string(expanding ? "invalid expanding notation" : "invalid value") + ": \"" +
                                std::string(item_) + "\"");
  }

  // `x` and a decimal count, ending the item.
  std::uint64_t times() {
    if (i_ >= item_.size() || item_[i_] != 'x') bad();
    std::uint64_t n = 0;
    const char* const end = item_.data() + item_.size();
    const auto [p, ec] = std::from_chars(item_.data() + i_ + 1, end, n);
    if (ec != std::errc() || p != end || i_ + 1 == item_.size()) bad();
    i_ = item_.size();
    return n;
  }

  // An optional sign and a number, or `stale` without a sign.
  InputValue value() {
    double sign = 1;
    const bool signed_value = i_ < item_.size() && (item_[i_] == '+' || item_[i_] == '-');
    if (signed_value) sign = item_[i_++] == '-' ? -1 : 1;
    const std::size_t start = i_;
    if (i_ < item_.size() && is_alpha(item_[i_])) {
      while (i_ < item_.size() && (is_alnum(item_[i_]) || item_[i_] == ':')) ++i_;
      const std::string_view word = item_.substr(start, i_ - start);
      if (word == "stale" && !signed_value) return {InputValue::Kind::stale, 0};
      const std::string w = lower(word);
      if (w == "inf" || w == "nan") return {InputValue::Kind::number, sign * number(word)};
      bad();
    }
    if (i_ >= item_.size() || !(is_digit(item_[i_]) || (item_[i_] == '.' && i_ + 1 < item_.size() && is_digit(item_[i_ + 1])))) {
      bad();
    }
    i_ = promql::scan_number_lexeme(item_, i_, false);  // no hexadecimal: `0x10` repeats 0
    if (i_ < item_.size() && item_[i_] != 'x' && is_alnum(item_[i_])) {
      // Prometheus 3 reads a duration where a number is expected: seconds.
      if (syntax_ != SeriesSyntax::promql_test) bad();
      while (i_ < item_.size() && item_[i_] != 'x' && is_alnum(item_[i_])) ++i_;
      const auto ms = parse_duration_ms(item_.substr(start, i_ - start));
      if (!ms) bad();
      return {InputValue::Kind::number, sign * static_cast<double>(*ms) / 1000.0};
    }
    return {InputValue::Kind::number, sign * number(item_.substr(start, i_ - start))};
  }

  double number(std::string_view text) const {
    const auto v = promql::parse_number_literal(text);
    if (!std::holds_alternative<double>(v)) bad();
    return std::get<double>(v);
  }

  // `{{…}}`, `{{…}}xN` or `{{…}}+{{…}}xN` (also `-`): one position, or N+1.
  void read_histograms(std::vector<InputValue>& out) {
    if (syntax_ != SeriesSyntax::promql_test) bad();
    skip_histogram();
    std::uint64_t n = 0;
    if (i_ < item_.size() && (item_[i_] == '+' || item_[i_] == '-')) {
      ++i_;
      if (item_.substr(i_, 2) != "{{") bad();
      skip_histogram();
      n = times();
    } else if (i_ < item_.size()) {
      n = times();
    }
    for (std::uint64_t k = 0; k <= n; ++k) out.push_back({InputValue::Kind::histogram, 0});
  }

  void skip_histogram() {
    const std::size_t end = item_.find("}}", i_);
    if (end == std::string_view::npos) bad();
    i_ = end + 2;
  }

  std::string_view item_;
  SeriesSyntax syntax_;
  std::size_t i_ = 0;
};

}  // namespace

Labels parse_series_description(const std::string& text, SeriesSyntax syntax) {
  using promql::TokenKind;
  std::vector<promql::Token> toks;
  try {
    toks = promql::lex(text);
  } catch (const promql::LexError& e) {
    fail_at(e.pos, e.message);
  }
  const bool quoted_names = syntax == SeriesSyntax::promql_test;
  std::vector<Label> out;
  std::size_t i = 0;
  auto unexpected = [&](const std::string& where) {
    const promql::Token& t = toks[i];
    fail_at(t.pos, t.kind == TokenKind::eof ? "unexpected end of input" + where
                                            : "unexpected \"" + text.substr(t.pos, t.end - t.pos) + "\"" + where);
  };
  if (toks[i].kind == TokenKind::identifier) out.emplace_back("__name__", toks[i++].text);
  if (toks[i].kind == TokenKind::lbrace) {
    ++i;
    while (toks[i].kind != TokenKind::rbrace) {
      const bool name_ok = toks[i].kind == TokenKind::identifier || (quoted_names && toks[i].kind == TokenKind::string);
      if (!name_ok || (toks[i].kind == TokenKind::identifier && toks[i].text.find(':') != std::string::npos)) {
        unexpected(" inside braces");
      }
      const std::string name = toks[i++].text;
      if (toks[i].kind == TokenKind::assign) {
        ++i;
        if (toks[i].kind != TokenKind::string) unexpected(" inside braces, expected label value string");
        const std::string value = toks[i++].text;
        // promtool loads a label whose value is empty as no label.
        if (!value.empty() || syntax == SeriesSyntax::promql_test) out.emplace_back(name, value);
      } else if (quoted_names && toks[i - 1].kind == TokenKind::string) {
        out.emplace_back("__name__", name);  // {"my.metric", ...}
      } else {
        unexpected(" inside braces, expected \"=\"");
      }
      if (toks[i].kind == TokenKind::comma) {
        ++i;
      } else if (toks[i].kind != TokenKind::rbrace) {
        unexpected(" inside braces");
      }
    }
    ++i;
  }
  if (toks[i].kind != TokenKind::eof) unexpected("");
  return make_labels(std::move(out));
}

std::vector<InputValue> expand_series_values(std::string_view text, SeriesSyntax syntax) {
  std::vector<InputValue> out;
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size()) break;
    std::size_t end = i;
    while (end < text.size() && !is_space(text[end])) {
      // A histogram's braces may hold spaces: the item goes on to their closing "}}".
      if (text.substr(end, 2) == "{{") {
        const std::size_t close = text.find("}}", end);
        end = close == std::string_view::npos ? text.size() : close + 2;
        continue;
      }
      ++end;
    }
    ItemReader(text.substr(i, end - i), syntax).read(out);
    i = end;
  }
  return out;
}

std::optional<double> parse_script_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double sign = 1;
  if (text[0] == '+' || text[0] == '-') {
    sign = text[0] == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  if (text.empty() || text[0] == '+' || text[0] == '-') return std::nullopt;
  const std::string l = lower(text);
  if (l == "inf" || l == "nan" || is_digit(text[0]) || text[0] == '.') {
    const auto v = promql::parse_number_literal(text);
    if (const double* d = std::get_if<double>(&v)) return sign * *d;
  }
  const auto ms = parse_duration_ms(text);
  if (!ms) return std::nullopt;
  return sign * static_cast<double>(*ms) / 1000.0;
}

void split_series_line(std::string_view line, std::string_view& series, std::string_view& values) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && !is_space(line[i])) ++i;
  if (i < line.size() && line[i] == '{') {
    char quote = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else if (c == '}') {
        ++i;
        break;
      }
    }
  }
  series = line.substr(0, i);
  values = i < line.size() ? line.substr(i) : std::string_view();
  while (!values.empty() && is_space(values.front())) values.remove_prefix(1);
}

}  // namespace twikit::rules
