#include "series_notation.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "alertd/promql/lexer.h"
#include "common/duration.h"

namespace twikit::conformance {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Length of the longest number prefix of `s` (sign, digits, fraction, exponent; hex; inf/nan).
std::size_t number_prefix(std::string_view s, bool allow_hex) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::string rest = lower(s.substr(i, 3));
  if (rest == "inf" || rest == "nan") return i + 3;
  if (allow_hex && (s.substr(i, 2) == "0x" || s.substr(i, 2) == "0X")) {
    i += 2;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i;
  }
  const std::size_t digits_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i == digits_start) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      i = j;
    }
  }
  // A duration written as a number (seconds), e.g. 1m.
  std::size_t j = i;
  while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])))) {
    if (s[j] == 'x') break;
    ++j;
  }
  if (j > i && parse_duration_ms(s.substr(digits_start, j - digits_start))) return j;
  return i;
}

}  // namespace

std::optional<double> parse_test_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool neg = false;
  std::string_view s = text;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  const std::string l = lower(s);
  double v = 0;
  if (l == "inf") {
    v = std::numeric_limits<double>::infinity();
  } else if (l == "nan") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (l.size() > 2 && l[0] == '0' && l[1] == 'x') {
    std::uint64_t u = 0;
    auto [p, ec] = std::from_chars(l.data() + 2, l.data() + l.size(), u, 16);
    if (ec != std::errc() || p != l.data() + l.size()) return std::nullopt;
    v = static_cast<double>(u);
  } else {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) {
      v = l.find("e-") != std::string::npos ? 0.0 : std::numeric_limits<double>::infinity();
    } else if (ec != std::errc() || p != s.data() + s.size()) {
      auto d = parse_duration_ms(s);
      if (!d) return std::nullopt;
      v = static_cast<double>(*d) / 1000.0;
    }
  }
  return neg ? -v : v;
}

void split_series_line(std::string_view line, std::string_view& series, std::string_view& values) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ' && line[i] != '\t') ++i;
  if (i < line.size() && line[i] == '{') {
    char quote = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (quote) {
        if (c == '\\' && quote != '`') ++i;
        else if (c == quote) quote = 0;
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
  while (!values.empty() && (values.front() == ' ' || values.front() == '\t')) values.remove_prefix(1);
}

Labels parse_series_labels(std::string_view text) {
  using promql::TokenKind;
  std::vector<promql::Token> toks;
  try {
    toks = promql::lex(text);
  } catch (const promql::LexError& e) {
    throw NotationError("bad series \"" + std::string(text) + "\": " + e.message);
  }
  std::vector<Label> labels;
  std::size_t i = 0;
  auto fail = [&]() -> void { throw NotationError("bad series \"" + std::string(text) + "\""); };
  if (toks[i].kind == TokenKind::identifier) labels.emplace_back("__name__", toks[i++].text);
  if (toks[i].kind == TokenKind::lbrace) {
    ++i;
    while (toks[i].kind != TokenKind::rbrace) {
      if (toks[i].kind != TokenKind::identifier && toks[i].kind != TokenKind::string) fail();
      const std::string name = toks[i++].text;
      if (toks[i].kind == TokenKind::assign) {
        ++i;
        if (toks[i].kind != TokenKind::string) fail();
        labels.emplace_back(name, toks[i++].text);
      } else {
        labels.emplace_back("__name__", name);
      }
      if (toks[i].kind == TokenKind::comma) ++i;
      else if (toks[i].kind != TokenKind::rbrace) fail();
    }
    ++i;
  }
  if (toks[i].kind != TokenKind::eof) fail();
  return make_labels(std::move(labels));
}

std::vector<SeqValue> expand_values(std::string_view text) {
  std::vector<SeqValue> out;
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  auto parse_times = [&](std::string_view tok, std::size_t at) -> std::int64_t {
    if (at >= tok.size() || tok[at] != 'x') throw NotationError("bad value item \"" + std::string(tok) + "\"");
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(tok.data() + at + 1, tok.data() + tok.size(), n);
    if (ec != std::errc() || p != tok.data() + tok.size()) throw NotationError("bad repeat in \"" + std::string(tok) + "\"");
    return n;
  };
  while (true) {
    skip_ws();
    if (i >= text.size()) break;
    if (text.substr(i, 2) == "{{") {
      // Native histogram (possibly `{{A}}+{{B}}xN`): recorded as histogram positions only.
      std::size_t end = text.find("}}", i);
      if (end == std::string_view::npos) throw NotationError("unterminated histogram");
      end += 2;
      std::int64_t n = 0;
      if (end < text.size() && (text[end] == '+' || text[end] == '-') && text.substr(end + 1, 2) == "{{") {
        end = text.find("}}", end + 1);
        if (end == std::string_view::npos) throw NotationError("unterminated histogram");
        end += 2;
      }
      std::size_t tok_end = end;
      while (tok_end < text.size() && text[tok_end] != ' ' && text[tok_end] != '\t') ++tok_end;
      if (tok_end > end) n = parse_times(text.substr(end, tok_end - end), 0);
      for (std::int64_t k = 0; k <= n; ++k) out.push_back({SeqValue::Kind::histogram, 0});
      i = tok_end;
      continue;
    }
    std::size_t tok_end = i;
    while (tok_end < text.size() && text[tok_end] != ' ' && text[tok_end] != '\t') ++tok_end;
    const std::string_view tok = text.substr(i, tok_end - i);
    i = tok_end;
    if (tok == "_") {
      out.push_back({SeqValue::Kind::omitted, 0});
      continue;
    }
    if (tok == "stale") {
      out.push_back({SeqValue::Kind::stale, 0});
      continue;
    }
    if (tok.size() > 1 && tok[0] == '_') {
      const std::int64_t n = parse_times(tok, 1);
      for (std::int64_t k = 0; k < n; ++k) out.push_back({SeqValue::Kind::omitted, 0});
      continue;
    }
    // `0x59` is 0 repeated (x59), not hex; only a token with hex letters is read as hex.
    const bool hex_letters = tok.find_first_of("abcdefABCDEF", 2) != std::string_view::npos;
    const std::size_t a_len = number_prefix(tok, hex_letters && parse_test_number(tok).has_value());
    if (a_len == 0) throw NotationError("bad value item \"" + std::string(tok) + "\"");
    auto a = parse_test_number(tok.substr(0, a_len));
    if (!a) throw NotationError("bad number in \"" + std::string(tok) + "\"");
    if (a_len == tok.size()) {
      out.push_back({SeqValue::Kind::value, *a});
      continue;
    }
    double step = 0;
    std::size_t at = a_len;
    if (tok[at] == '+' || tok[at] == '-') {
      const std::size_t b_len = number_prefix(tok.substr(at), false);
      auto b = parse_test_number(tok.substr(at, b_len));
      if (b_len == 0 || !b) throw NotationError("bad step in \"" + std::string(tok) + "\"");
      step = *b;
      at += b_len;
    }
    const std::int64_t n = parse_times(tok, at);
    double v = *a;
    for (std::int64_t k = 0; k <= n; ++k) {
      out.push_back({SeqValue::Kind::value, v});
      v += step;
    }
  }
  return out;
}

}  // namespace twikit::conformance
