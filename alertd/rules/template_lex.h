#pragma once
// The lexer of Go's text/template: splits a template into text and the tokens of its actions, following
// text/template/parse (trim markers, comments, quoted strings and numbers as Go writes them).

#include <string>
#include <vector>

namespace twikit::rules::tmpl {

/// What a token is: text outside actions, a delimiter, or one of the items inside an action.
enum class Tok {
  text,      ///< Text outside actions (trimmed by `{{-` / `-}}`).
  left,      ///< `{{`
  right,     ///< `}}`
  space,     ///< A run of spaces inside an action.
  ident,     ///< A keyword or function name.
  field,     ///< `.Name` (the text without the dot).
  variable,  ///< `$` or `$name`.
  dot,       ///< `.`
  string,    ///< A quoted or raw string (the text is its value).
  number,    ///< A number as written.
  char_,     ///< A character constant (the text is its value).
  pipe,      ///< `|`
  lparen,    ///< `(`
  rparen,    ///< `)`
  declare,   ///< `:=`
  assign,    ///< `=`
  comma,     ///< `,`
  eof        ///< The end of the input.
};

/// One token with its 1-based line.
struct Token {
  Tok type;          ///< What it is.
  std::string text;  ///< Its text (a string's unquoted value).
  int line;          ///< The line it is on.

  /// Field-wise equality.
  bool operator==(const Token&) const = default;
};

/// The tokens of `text`, ending with Tok::eof; throws TemplateError "template: <name>:<line>: <message>" on an
/// unclosed action or comment, an unterminated string, an unbalanced parenthesis or an unexpected character.
std::vector<Token> lex_template(const std::string& name, const std::string& text);

}  // namespace twikit::rules::tmpl
