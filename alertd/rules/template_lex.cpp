#include "alertd/rules/template_lex.h"

#include <cctype>
#include <cstdlib>

#include "alertd/rules/template.h"

namespace twikit::rules::tmpl {
namespace {

class Lexer {
 public:
  Lexer(const std::string& name, const std::string& input) : name_(name), in_(input) {}

  std::vector<Token> run() {
    while (pos_ < in_.size()) {
      const std::size_t open = in_.find("{{", pos_);
      if (open == std::string::npos) {
        emit_text(in_.substr(pos_));
        pos_ = in_.size();
        break;
      }
      std::string text = in_.substr(pos_, open - pos_);
      std::size_t p = open + 2;
      const bool trim_left = p + 1 < in_.size() && in_[p] == '-' && is_space(in_[p + 1]);
      if (trim_left) {
        while (!text.empty() && is_space(text.back())) text.pop_back();
        p += 1;
      }
      emit_text(text);
      line_ = line_at(open);
      // Comments: {{/* ... */}} with optional trim markers.
      std::size_t q = p;
      while (trim_left && q < in_.size() && is_space(in_[q])) ++q;
      if (in_.compare(q, 2, "/*") == 0) {
        const std::size_t end = in_.find("*/", q + 2);
        if (end == std::string::npos) fail("unclosed comment");
        std::size_t after = end + 2;
        bool trim_right = false;
        if (in_.compare(after, 3, " -}") == 0 ||
            (after + 3 < in_.size() && is_space(in_[after]) && in_.compare(after + 1, 3, "-}}") == 0)) {
          trim_right = true;
          after += 1;
          while (after < in_.size() && in_[after] != '-') ++after;
          after += 1;
        }
        if (in_.compare(after, 2, "}}") != 0) fail("comment ends before closing delimiter");
        pos_ = after + 2;
        if (trim_right) skip_space();
        continue;
      }
      tokens_.push_back({Tok::left, "{{", line_});
      pos_ = p;
      lex_action();
    }
    tokens_.push_back({Tok::eof, "", line_at(in_.size())});
    return std::move(tokens_);
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  static bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  // The 1-based line of offset `p`; counts on from the previous answer, so a lexer run stays linear in the
  // text (a notification template file has thousands of tokens).
  int line_at(std::size_t p) const {
    if (p < line_pos_) {
      line_pos_ = 0;
      line_of_pos_ = 1;
    }
    for (; line_pos_ < p && line_pos_ < in_.size(); ++line_pos_) line_of_pos_ += in_[line_pos_] == '\n' ? 1 : 0;
    return line_of_pos_;
  }

  [[noreturn]] void fail(const std::string& msg) const {
    throw TemplateError("template: " + name_ + ":" + std::to_string(line_) + ": " + msg);
  }

  void emit_text(const std::string& text) {
    if (!text.empty()) tokens_.push_back({Tok::text, text, line_at(pos_)});
  }

  void skip_space() {
    while (pos_ < in_.size() && is_space(in_[pos_])) ++pos_;
  }

  void lex_action() {
    int paren_depth = 0;
    for (;;) {
      if (pos_ >= in_.size()) fail("unclosed action");
      const char c = in_[pos_];
      // Right delimiter, possibly with a trim marker (" -}}").
      if (is_space(c)) {
        std::size_t q = pos_;
        while (q < in_.size() && is_space(in_[q])) ++q;
        if (in_.compare(q, 3, "-}}") == 0) {
          if (paren_depth > 0) fail("unclosed left paren");
          tokens_.push_back({Tok::right, "}}", line_});
          pos_ = q + 3;
          skip_space();
          return;
        }
        tokens_.push_back({Tok::space, " ", line_});
        line_ = line_at(q);
        pos_ = q;
        continue;
      }
      if (in_.compare(pos_, 2, "}}") == 0) {
        if (paren_depth > 0) fail("unclosed left paren");
        tokens_.push_back({Tok::right, "}}", line_});
        pos_ += 2;
        return;
      }
      if (c == '|') {
        tokens_.push_back({Tok::pipe, "|", line_});
        ++pos_;
        continue;
      }
      if (c == '(') {
        ++paren_depth;
        tokens_.push_back({Tok::lparen, "(", line_});
        ++pos_;
        continue;
      }
      if (c == ')') {
        if (--paren_depth < 0) fail("unexpected right paren");
        tokens_.push_back({Tok::rparen, ")", line_});
        ++pos_;
        continue;
      }
      if (c == ',') {
        tokens_.push_back({Tok::comma, ",", line_});
        ++pos_;
        continue;
      }
      if (in_.compare(pos_, 2, ":=") == 0) {
        tokens_.push_back({Tok::declare, ":=", line_});
        pos_ += 2;
        continue;
      }
      if (c == '=') {
        tokens_.push_back({Tok::assign, "=", line_});
        ++pos_;
        continue;
      }
      if (c == '"' || c == '`' || c == '\'') {
        lex_quoted(c);
        continue;
      }
      if (c == '$') {
        std::size_t q = pos_ + 1;
        while (q < in_.size() && is_alnum(in_[q])) ++q;
        tokens_.push_back({Tok::variable, in_.substr(pos_, q - pos_), line_});
        pos_ = q;
        continue;
      }
      if (c == '.') {
        if (pos_ + 1 < in_.size() && std::isdigit(static_cast<unsigned char>(in_[pos_ + 1]))) {
          lex_number();
          continue;
        }
        std::size_t q = pos_ + 1;
        while (q < in_.size() && is_alnum(in_[q])) ++q;
        if (q == pos_ + 1) {
          tokens_.push_back({Tok::dot, ".", line_});
        } else {
          tokens_.push_back({Tok::field, in_.substr(pos_ + 1, q - pos_ - 1), line_});
        }
        pos_ = q;
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          ((c == '-' || c == '+') && pos_ + 1 < in_.size() &&
           (std::isdigit(static_cast<unsigned char>(in_[pos_ + 1])) || in_[pos_ + 1] == '.'))) {
        lex_number();
        continue;
      }
      if (is_alnum(c)) {
        std::size_t q = pos_;
        while (q < in_.size() && is_alnum(in_[q])) ++q;
        tokens_.push_back({Tok::ident, in_.substr(pos_, q - pos_), line_});
        pos_ = q;
        continue;
      }
      fail(std::string("unexpected \"") + c + "\" in command");
    }
  }

  void lex_number() {
    std::size_t q = pos_;
    if (in_[q] == '-' || in_[q] == '+') ++q;
    while (q < in_.size() && (is_alnum(in_[q]) || in_[q] == '.' ||
                              ((in_[q] == '-' || in_[q] == '+') &&
                               (in_[q - 1] == 'e' || in_[q - 1] == 'E' || in_[q - 1] == 'p' || in_[q - 1] == 'P')))) {
      ++q;
    }
    tokens_.push_back({Tok::number, in_.substr(pos_, q - pos_), line_});
    pos_ = q;
  }

  void lex_quoted(char quote) {
    std::string value;
    std::size_t q = pos_ + 1;
    for (;;) {
      if (q >= in_.size()) fail(quote == '`' ? "unterminated raw quoted string" : "unterminated quoted string");
      const char c = in_[q];
      if (c == quote) break;
      if (quote != '`' && c == '\n') fail("unterminated quoted string");
      if (quote != '`' && c == '\\' && q + 1 < in_.size()) {
        const char e = in_[++q];
        switch (e) {
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case 'r':
            value += '\r';
            break;
          case 'a':
            value += '\a';
            break;
          case 'b':
            value += '\b';
            break;
          case 'f':
            value += '\f';
            break;
          case 'v':
            value += '\v';
            break;
          case '\\':
            value += '\\';
            break;
          case '"':
            value += '"';
            break;
          case '\'':
            value += '\'';
            break;
          case 'x': {
            if (q + 2 >= in_.size()) fail("invalid syntax");
            value += static_cast<char>(std::strtol(in_.substr(q + 1, 2).c_str(), nullptr, 16));
            q += 2;
            break;
          }
          default:
            fail("invalid syntax");
        }
        ++q;
        continue;
      }
      value += c;
      ++q;
    }
    tokens_.push_back({quote == '\'' ? Tok::char_ : Tok::string, value, line_});
    pos_ = q + 1;
  }

  std::string name_;
  const std::string& in_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::vector<Token> tokens_;
  mutable std::size_t line_pos_ = 0;
  mutable int line_of_pos_ = 1;
};

}  // namespace

std::vector<Token> lex_template(const std::string& name, const std::string& text) { return Lexer(name, text).run(); }

}  // namespace twikit::rules::tmpl
