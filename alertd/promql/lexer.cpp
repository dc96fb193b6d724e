#include "alertd/promql/lexer.h"

#include <algorithm>
#include <cstdint>

#include "alertd/promql/number.h"

namespace twikit::promql {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == ':'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_val(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      Token t;
      t.pos = static_cast<std::uint32_t>(i_);
      if (i_ >= q_.size()) {
        t.end = t.pos;
        out.push_back(std::move(t));
        return out;
      }
      lex_one(t);
      t.end = static_cast<std::uint32_t>(i_);
      out.push_back(std::move(t));
    }
  }

 private:
  [[noreturn]] void fail(std::size_t pos, std::string msg) {
    throw LexError{static_cast<std::uint32_t>(pos), std::move(msg)};
  }

  void skip_space() {
    while (i_ < q_.size()) {
      const char c = q_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        while (i_ < q_.size() && q_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  char peek(std::size_t k = 0) const { return i_ + k < q_.size() ? q_[i_ + k] : '\0'; }

  void lex_one(Token& t) {
    const char c = q_[i_];
    auto single = [&](TokenKind k) {
      t.kind = k;
      t.text = std::string(1, c);
      ++i_;
    };
    switch (c) {
      case '(': return single(TokenKind::lparen);
      case ')': return single(TokenKind::rparen);
      case '{': return single(TokenKind::lbrace);
      case '}': return single(TokenKind::rbrace);
      case '[': return single(TokenKind::lbracket);
      case ']': return single(TokenKind::rbracket);
      case ',': return single(TokenKind::comma);
      case '@': return single(TokenKind::at);
      case ':':
        if (!is_ident_char(peek(1)) || is_digit(peek(1))) return single(TokenKind::colon);
        break;
      case '+': case '-': case '*': case '/': case '%': case '^':
        return single(TokenKind::op);
      case '=':
        if (peek(1) == '=' || peek(1) == '~') {
          t.kind = TokenKind::op;
          t.text = std::string(q_.substr(i_, 2));
          i_ += 2;
          return;
        }
        return single(TokenKind::assign);
      case '!':
        if (peek(1) == '=' || peek(1) == '~') {
          t.kind = TokenKind::op;
          t.text = std::string(q_.substr(i_, 2));
          i_ += 2;
          return;
        }
        fail(i_, "unexpected character after '!': " + std::string(1, peek(1)));
      case '<': case '>':
        t.kind = TokenKind::op;
        if (peek(1) == '=') {
          t.text = std::string(q_.substr(i_, 2));
          i_ += 2;
        } else {
          t.text = std::string(1, c);
          ++i_;
        }
        return;
      case '"': case '\'': case '`':
        return lex_string(t);
      default:
        break;
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return lex_number(t);
    if (is_alpha(c) || c == ':') {
      const std::size_t start = i_;
      while (i_ < q_.size() && is_ident_char(q_[i_])) ++i_;
      t.kind = TokenKind::identifier;
      t.text = std::string(q_.substr(start, i_ - start));
      return;
    }
    fail(i_, std::string("unexpected character: '") + c + "'");
  }

  // A number, or a duration when a unit follows (5m, 1h30m, 10ms), scanned as Prometheus' lexer does, so
  // that its errors name the same text: a number may not be directly followed by a letter, digit or '_'
  // ("1a" is a bad number "1"), and a duration's bad tail is named with its first wrong character ("5mx").
  void lex_number(Token& t) {
    const std::size_t start = i_;
    if (scan_number()) {
      t.kind = TokenKind::number;
      t.text = std::string(q_.substr(start, i_ - start));
      return;
    }
    if (scan_duration_rest()) {
      t.kind = TokenKind::duration;
      t.text = std::string(q_.substr(start, i_ - start));
      return;
    }
    fail(start, "bad number or duration syntax: \"" + std::string(q_.substr(start, i_ - start)) + "\"");
  }

  // Digits (hexadecimal after "0x"), a fraction, an exponent; true when no letter, digit or '_' follows.
  bool scan_number() {
    i_ = scan_number_lexeme(q_, i_, true);
    return !is_alnum_at(i_);
  }

  // After the number part: unit, then (digits unit)*, with "ms" as one unit; true when no letter, digit or
  // '_' follows. On failure the position is past the first character that broke it.
  bool scan_duration_rest() {
    if (!accept_unit(true)) return false;
    while (is_digit(peek())) {
      while (is_digit(peek())) ++i_;
      if (!accept_unit(false)) return false;
    }
    if (is_alnum_at(i_)) {
      ++i_;
      return false;
    }
    return true;
  }

  // One of the unit letters n s u µ m h d w (y only first), then an optional 's'.
  bool accept_unit(bool first) {
    if (q_.compare(i_, 2, "\xC2\xB5") == 0) {
      i_ += 2;
    } else {
      const char c = peek();
      const bool unit = c == 'n' || c == 's' || c == 'u' || c == 'm' || c == 'h' || c == 'd' || c == 'w' ||
                        (first && c == 'y');
      if (!unit) return false;
      ++i_;
    }
    if (peek() == 's') ++i_;
    return true;
  }

  // Whether an ASCII letter, '_' or digit is at `at` (Prometheus' isAlphaNumeric).
  bool is_alnum_at(std::size_t at) const { return at < q_.size() && (is_alpha(q_[at]) || is_digit(q_[at])); }

  void lex_string(Token& t) {
    const char quote = q_[i_];
    const std::size_t start = i_;
    ++i_;
    std::string out;
    while (true) {
      if (i_ >= q_.size()) fail(start, "unterminated quoted string");
      const char c = q_[i_];
      if (c == quote) {
        ++i_;
        break;
      }
      if (quote != '`' && c == '\n') fail(start, "unterminated quoted string");
      if (quote == '`' || c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      ++i_;
      if (i_ >= q_.size()) fail(start, "unterminated quoted string");
      const char e = q_[i_++];
      switch (e) {
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '"': case '\'':
          if (e != quote) fail(i_ - 2, "unknown escape sequence");
          out += e;
          break;
        case 'x': {
          if (!is_hex(peek()) || !is_hex(peek(1))) fail(i_ - 2, "illegal character in escape sequence");
          out += static_cast<char>(hex_val(peek()) * 16 + hex_val(peek(1)));
          i_ += 2;
          break;
        }
        case 'u': case 'U': {
          const int n = e == 'u' ? 4 : 8;
          std::uint32_t cp = 0;
          for (int k = 0; k < n; ++k) {
            if (!is_hex(peek())) fail(i_ - 2, "illegal character in escape sequence");
            cp = cp * 16 + static_cast<std::uint32_t>(hex_val(q_[i_++]));
          }
          append_utf8(out, cp);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2; ++k) {
              if (!(peek() >= '0' && peek() <= '7')) fail(i_ - 2, "illegal character in escape sequence");
              v = v * 8 + (q_[i_++] - '0');
            }
            out += static_cast<char>(v);
            break;
          }
          fail(i_ - 2, "unknown escape sequence");
      }
    }
    t.kind = TokenKind::string;
    t.text = std::move(out);
  }

  std::string_view q_;
  std::size_t i_ = 0;
};

}  // namespace

std::vector<Token> lex(std::string_view query) { return Lexer(query).run(); }

}  // namespace twikit::promql
