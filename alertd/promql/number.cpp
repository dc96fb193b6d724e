#include "alertd/promql/number.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "common/go_float.h"

namespace twikit::promql {

std::variant<double, std::string> parse_number_literal(std::string_view text) {
  int base = 10;
  std::size_t digits = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    digits = 2;
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    digits = 1;
  }
  const char* const end = text.data() + text.size();
  std::int64_t n = 0;
  const auto [ip, iec] = std::from_chars(text.data() + digits, end, n, base);
  if (iec == std::errc() && ip == end) return static_cast<double>(n);
  const std::string prefix = "error parsing number: strconv.ParseFloat: parsing \"" + std::string(text) + "\": ";
  if (base == 16) return prefix + "invalid syntax";
  // Unlike an exposition value (common/exposition_parser), a literal too large is an error, as ParseFloat's
  // range error is to Prometheus' parser.
  const GoFloat f = parse_go_float(text);
  if (f.status == GoFloat::Status::out_of_range) return prefix + "value out of range";
  if (f.status == GoFloat::Status::invalid) return prefix + "invalid syntax";
  return f.value;
}

std::size_t scan_number_lexeme(std::string_view text, std::size_t pos, bool hex) {
  const auto at = [&](std::size_t i) { return i < text.size() ? text[i] : '\0'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto is_hex = [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  std::size_t i = pos;
  if (hex && at(i) == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X')) {
    i += 2;
  } else {
    hex = false;
  }
  const auto digits = [&] {
    while (hex ? is_hex(at(i)) : is_digit(at(i))) ++i;
  };
  digits();
  if (at(i) == '.') {
    ++i;
    digits();
  }
  if (!hex && (at(i) == 'e' || at(i) == 'E')) {
    ++i;
    if (at(i) == '+' || at(i) == '-') ++i;
    while (is_digit(at(i))) ++i;
  }
  return i;
}

}  // namespace twikit::promql
