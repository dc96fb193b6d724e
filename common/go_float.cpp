#include "common/go_float.h"

#include <charconv>
#include <limits>
#include <system_error>

namespace twikit {

GoFloat parse_go_float(std::string_view text) {
  const char* first = text.data();
  const char* const last = first + text.size();
  if (first != last && *first == '+') {
    ++first;  // from_chars reads '-' but not '+'
    if (first == last || *first == '-' || *first == '+') return {};
  }
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range && ptr == last) {
    // from_chars says out of range both ways; Go rounds an underflow to zero and refuses only an overflow.
    const bool negative = *first == '-';
    // Out of range with a negative exponent, or with none and no integer digit above zero, is too small.
    const std::string_view number(first, static_cast<std::size_t>(last - first));
    const std::size_t e = number.find_first_of("eE");
    const bool underflow = e != std::string_view::npos
                               ? e + 1 < number.size() && number[e + 1] == '-'
                               : number.find_first_of("123456789") > number.find('.');
    if (underflow) return {GoFloat::Status::ok, negative ? -0.0 : 0.0};
    const double inf = std::numeric_limits<double>::infinity();
    return {GoFloat::Status::out_of_range, negative ? -inf : inf};
  }
  if (ec != std::errc() || ptr != last) return {};
  return {GoFloat::Status::ok, v};
}

}  // namespace twikit
