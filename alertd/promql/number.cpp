#include "alertd/promql/number.h"

#include <charconv>
#include <cstdint>
#include <string>

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
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc::result_out_of_range) {
    // Go's ParseFloat refuses an overflow (ErrRange) and rounds an underflow to zero.
    const bool neg_exp = text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
    if (!neg_exp) return prefix + "value out of range";
    return 0.0;
  }
  if (ec != std::errc() || p != end) return prefix + "invalid syntax";
  return v;
}

}  // namespace twikit::promql
