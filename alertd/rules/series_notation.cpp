#include "alertd/rules/series_notation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace twikit::rules {

namespace {

[[noreturn]] void fail_at(std::size_t offset, const std::string& msg) {
  throw std::invalid_argument("1:" + std::to_string(offset + 1) + ": parse error: " + msg);
}

bool is_name_char(char c, bool first, bool metric) {
  const bool alpha = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (metric && c == ':');
  return first ? alpha : (alpha || std::isdigit(static_cast<unsigned char>(c)));
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::string body = s;
  double sign = 1;
  if (body[0] == '+' || body[0] == '-') {
    sign = body[0] == '-' ? -1 : 1;
    body.erase(0, 1);
  }
  std::string lower;
  for (const char c : body) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf") return sign * HUGE_VAL;
  if (lower == "nan") return NAN;
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.')) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(body.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return sign * v;
}

}  // namespace

Labels parse_series_description(const std::string& text) {
  std::vector<Label> out;
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_ws();
  if (i == text.size()) return {};
  if (text[i] != '{') {
    const std::size_t start = i;
    while (i < text.size() && is_name_char(text[i], i == start, true)) ++i;
    if (i == start) fail_at(i, "unexpected character: '" + std::string(1, text[i]) + "'");
    out.emplace_back("__name__", text.substr(start, i - start));
    skip_ws();
  }
  if (i < text.size() && text[i] == '{') {
    ++i;
    for (;;) {
      skip_ws();
      if (i >= text.size()) fail_at(i, "unexpected end of input inside braces");
      if (text[i] == '}') {
        ++i;
        break;
      }
      const std::size_t start = i;
      while (i < text.size() && is_name_char(text[i], i == start, false)) ++i;
      if (i == start) fail_at(i, "unexpected character inside braces: '" + std::string(1, text[i]) + "'");
      const std::string name = text.substr(start, i - start);
      skip_ws();
      if (i >= text.size() || text[i] != '=')
        fail_at(i, "unexpected character inside braces: '" + std::string(1, i < text.size() ? text[i] : ' ') + "'");
      ++i;
      skip_ws();
      if (i >= text.size() || (text[i] != '"' && text[i] != '\'' && text[i] != '`'))
        fail_at(i, "expected label value string");
      const char quote = text[i++];
      std::string value;
      for (;;) {
        if (i >= text.size()) fail_at(i, "unterminated quoted string");
        const char c = text[i++];
        if (c == quote) break;
        if (c == '\\' && quote != '`' && i < text.size()) {
          const char e = text[i++];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          continue;
        }
        value += c;
      }
      if (!value.empty()) out.emplace_back(name, value);  // an empty label value is no label
      skip_ws();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      skip_ws();
      if (i < text.size() && text[i] == '}') continue;
      fail_at(i, i < text.size() ? "unexpected character inside braces: '" + std::string(1, text[i]) + "'"
                                 : "unexpected end of input inside braces");
    }
  }
  skip_ws();
  if (i != text.size()) fail_at(i, "unexpected character: '" + std::string(1, text[i]) + "'");
  return make_labels(std::move(out));
}

std::vector<InputValue> expand_series_values(const std::string& text) {
  std::vector<InputValue> out;
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    if (item == "_") {
      out.push_back({InputValue::Kind::missing, 0});
      continue;
    }
    if (item == "stale") {
      out.push_back({InputValue::Kind::stale, 0});
      continue;
    }
    const std::size_t x = item.rfind('x');
    if (x != std::string::npos && x + 1 < item.size() &&
        std::all_of(item.begin() + static_cast<std::ptrdiff_t>(x) + 1, item.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      const long n = std::strtol(item.c_str() + x + 1, nullptr, 10);
      const std::string head = item.substr(0, x);
      if (head == "_") {
        for (long k = 0; k < n; ++k) out.push_back({InputValue::Kind::missing, 0});
        continue;
      }
      if (head == "stale") {
        for (long k = 0; k < n; ++k) out.push_back({InputValue::Kind::stale, 0});
        continue;
      }
      // a+b or a-b (the sign search skips a leading sign and exponent signs).
      std::size_t op = std::string::npos;
      for (std::size_t k = 1; k < head.size(); ++k) {
        if ((head[k] == '+' || head[k] == '-') && head[k - 1] != 'e' && head[k - 1] != 'E') op = k;
      }
      // "NaNx3" and "Infx3" are one identifier to Prometheus' lexer, not a value repeated: a load error.
      if (op == std::string::npos && !head.empty() &&
          std::isalpha(static_cast<unsigned char>(head.back())) != 0) {
        throw std::invalid_argument("invalid expanding notation: \"" + item + "\"");
      }
      const auto start = parse_number(op == std::string::npos ? head : head.substr(0, op));
      const auto step = op == std::string::npos ? std::optional<double>(0) : parse_number(head.substr(op + 1));
      if (!start || !step) throw std::invalid_argument("invalid expanding notation: \"" + item + "\"");
      const double delta = op != std::string::npos && head[op] == '-' ? -*step : *step;
      // Cumulative addition, as Prometheus' test loader does (the rounding matches its output).
      double v = *start;
      for (long k = 0; k <= n; ++k) {
        out.push_back({InputValue::Kind::number, v});
        v += delta;
      }
      continue;
    }
    const auto v = parse_number(item);
    if (!v) throw std::invalid_argument("invalid value: \"" + item + "\"");
    out.push_back({InputValue::Kind::number, *v});
  }
  return out;
}

}  // namespace twikit::rules
