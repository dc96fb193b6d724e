#pragma once
// The PromQL lexer: turns query text into tokens with byte positions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace twikit::promql {

/// Token kinds; keywords (by, without, on, offset...) come out as identifiers and the parser decides.
enum class TokenKind {
  eof,
  identifier,   ///< metric names, label names, function names, keywords (may contain ':')
  number,       ///< numbers, Inf/NaN come as identifiers
  duration,     ///< e.g. 5m, 1h30m (only where a unit follows digits)
  string,       ///< text holds the unquoted, unescaped value
  lparen, rparen, lbrace, rbrace, lbracket, rbracket, comma, colon, at,
  assign,       ///< =
  op,           ///< + - * / % ^ == != > < >= <= =~ !~
};

/// One token: kind, text (operators and identifiers as written, strings unescaped) and position.
struct Token {
  TokenKind kind = TokenKind::eof;  ///< The kind.
  std::string text;                 ///< See TokenKind.
  std::uint32_t pos = 0;            ///< Byte offset of the first character.
  std::uint32_t end = 0;            ///< Byte offset one past the last character.
};

/// Thrown by lex() for malformed input; carries the byte offset.
struct LexError {
  std::uint32_t pos;    ///< Byte offset of the problem.
  std::string message;  ///< Prometheus-like message.
};

/// Splits `query` into tokens ending with an eof token; throws LexError.
std::vector<Token> lex(std::string_view query);

}  // namespace twikit::promql
