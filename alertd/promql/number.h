#pragma once
// The value of a PromQL number literal, read as Prometheus' parser reads it.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace twikit::promql {

/// The value of a number token as Prometheus' parser reads it: Go's strconv.ParseInt(text, 0, 64) (so "0x1F" is
/// hexadecimal and "0755" octal), then ParseFloat (common/go_float.h, shared with the exposition parser); or the
/// message Prometheus gives when neither accepts it ("error parsing number: strconv.ParseFloat: parsing …").
/// Used by the PromQL parser and by the series notation of rule unit tests and test scripts. Only PromQL reads
/// integers with base prefixes: the exposition format's values are ParseFloat's alone.
std::variant<double, std::string> parse_number_literal(std::string_view text);

/// The end of the number starting at `pos` in `text`, scanned as Prometheus' lexer scans one: digits (hexadecimal
/// after "0x" when `hex`), a fraction, an exponent. What may follow is the caller's: a PromQL query allows no
/// letter or digit (else it is a duration or an error), a series description also its repetition `x` — which
/// is why it scans without `hex`, as Prometheus does (`0x10` there is 0 repeated ten times).
std::size_t scan_number_lexeme(std::string_view text, std::size_t pos, bool hex);

}  // namespace twikit::promql
