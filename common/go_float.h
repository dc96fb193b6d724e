#pragma once
// Reading a float as Go's strconv.ParseFloat(s, 64) does, for the places that must accept what Prometheus
// accepts: the exposition parser (sample values and timestamps) and PromQL number literals.

#include <string_view>

namespace twikit {

/// The outcome of reading a float as Go's strconv.ParseFloat(s, 64).
struct GoFloat {
  /// ok; out_of_range (Go's ErrRange: the value is ±Inf); invalid (Go's ErrSyntax: the value is 0).
  enum class Status { ok, out_of_range, invalid };
  Status status = Status::invalid;  ///< How the text was taken.
  double value = 0;                 ///< The value (±Inf when out of range).
};

/// Reads `text` as ParseFloat reads decimal text: an optional sign ('+' too), digits with a fraction and an
/// exponent, or Inf, Infinity, NaN in any case; the whole text or nothing. Too large is out_of_range (±Inf);
/// too small rounds to a signed zero, as Go does, and is ok. Locale-independent. (Go's hexadecimal floats
/// such as 0x1p-2 are not read: neither caller has met one.)
GoFloat parse_go_float(std::string_view text);

}  // namespace twikit
