#pragma once
// PromQL parsing: text to a type-checked AST, or a ParseError with the position of the problem.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "alertd/promql/ast.h"

namespace twikit::promql {

/// A syntax or static type error; what() reads "line:col: parse error: <message>" (1-based).
class ParseError : public std::runtime_error {
 public:
  /// Builds the error for `message` at byte `offset` of `query`.
  ParseError(std::string_view query, std::uint32_t offset, std::string message);
  std::uint32_t offset;  ///< Byte offset into the query.
  int line;              ///< 1-based line.
  int col;               ///< 1-based column (bytes).
  std::string message;   ///< The message without position, e.g. "unexpected end of input".
};

/// Parses and type-checks a PromQL expression; throws ParseError. Thread-safe (no shared state).
ExprPtr parse(std::string_view query);

/// Parses a Prometheus duration such as `1h30m`, `5m1ms` or `0`; throws std::invalid_argument.
std::int64_t parse_duration_ms(std::string_view text);

/// Formats milliseconds as a Prometheus duration (`1h30m`, `0s`).
std::string format_duration(std::int64_t ms);

}  // namespace twikit::promql
