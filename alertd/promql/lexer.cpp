#include "alertd/promql/lexer.h"

#include <cstdint>

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

  // A number, or a duration when digits are directly followed by a unit (5m, 1h30m, 10ms).
  void lex_number(Token& t) {
    const std::size_t start = i_;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X') && is_hex(peek(2))) {
      i_ += 2;
      while (is_hex(peek())) ++i_;
      t.kind = TokenKind::number;
      t.text = std::string(q_.substr(start, i_ - start));
      return;
    }
    while (is_digit(peek())) ++i_;
    // Duration: integer followed by unit letters, repeated.
    if (i_ > start && is_duration_unit_at(i_)) {
      while (true) {
        if (!is_duration_unit_at(i_)) break;
        i_ += unit_len(i_);
        if (!is_digit(peek())) break;
        const std::size_t save = i_;
        while (is_digit(peek())) ++i_;
        if (!is_duration_unit_at(i_)) {
          i_ = save;
          break;
        }
      }
      if (is_alpha(peek()) || is_digit(peek())) fail(start, "bad number or duration syntax: \"" +
                                                  std::string(q_.substr(start, i_ - start + 1)) + "\"");
      t.kind = TokenKind::duration;
      t.text = std::string(q_.substr(start, i_ - start));
      return;
    }
    if (peek() == '.') {
      ++i_;
      while (is_digit(peek())) ++i_;
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      i_ += 2;
      while (is_digit(peek())) ++i_;
    }
    if (is_alpha(peek()) || peek() == '.')
      fail(start, "bad number or duration syntax: \"" + std::string(q_.substr(start, i_ - start + 1)) + "\"");
    t.kind = TokenKind::number;
    t.text = std::string(q_.substr(start, i_ - start));
  }

  std::size_t unit_len(std::size_t at) const {
    if (at + 1 < q_.size() && q_[at] == 'm' && q_[at + 1] == 's') return 2;
    return 1;
  }
  bool is_duration_unit_at(std::size_t at) const {
    if (at >= q_.size()) return false;
    const char c = q_[at];
    if (c != 'm' && c != 's' && c != 'h' && c != 'd' && c != 'w' && c != 'y') return false;
    const std::size_t after = at + unit_len(at);
    // "5min" is not a duration; digits may follow ("1h30m").
    return after >= q_.size() || !is_alpha(q_[after]);
  }

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
