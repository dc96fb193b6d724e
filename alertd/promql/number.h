#pragma once
// The value of a PromQL number literal, read as Prometheus' parser reads it.

#include <string>
#include <string_view>
#include <variant>

namespace twikit::promql {

/// The value of a number token as Go's strconv.ParseInt(text, 0, 64) and then ParseFloat read it (so "0x1F"
/// is hexadecimal and "0755" octal; "Inf" and "NaN" are read as ParseFloat reads them), or the message
/// Prometheus' parser gives when neither accepts it ("error parsing number: strconv.ParseFloat: parsing …"). Used by the
/// PromQL parser and by the series notation of rule unit tests and test scripts.
std::variant<double, std::string> parse_number_literal(std::string_view text);

}  // namespace twikit::promql
