// The template lexer on its own: the tokens of Go's text/template actions, trim markers, comments, lines and
// the errors it reports as text/template/parse words them.
#include <catch2/catch.hpp>

#include "alertd/rules/template.h"
#include "alertd/rules/template_lex.h"

using namespace twikit::rules;
using tmpl::lex_template;
using tmpl::Tok;
using tmpl::Token;

namespace {

std::string lex_error(const std::string& text) {
  try {
    lex_template("t", text);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("trim markers remove the spaces beside an action and its items become tokens") {
  const std::vector<Token> expected{
      {Tok::text, "a", 1},     {Tok::left, "{{", 1},     {Tok::space, " ", 1}, {Tok::field, "Name", 1},
      {Tok::space, " ", 1},    {Tok::pipe, "|", 1},      {Tok::space, " ", 1}, {Tok::ident, "printf", 1},
      {Tok::space, " ", 1},    {Tok::string, "%s", 1},   {Tok::right, "}}", 1}, {Tok::text, "b", 1},
      {Tok::eof, "", 1}};
  CHECK(lex_template("t", "a {{- .Name | printf \"%s\" -}} b") == expected);
}

TEST_CASE("comments leave no token and every token carries the line it starts on") {
  const std::vector<Token> expected{
      {Tok::text, "x\n", 1},    {Tok::text, "\n", 2},   {Tok::left, "{{", 3},   {Tok::space, " ", 3},
      {Tok::variable, "$v", 3}, {Tok::space, " ", 3},   {Tok::declare, ":=", 3}, {Tok::space, " ", 3},
      {Tok::number, "1.5e+3", 3}, {Tok::space, " ", 3}, {Tok::right, "}}", 3},   {Tok::eof, "", 3}};
  CHECK(lex_template("t", "x\n{{/* c */}}\n{{ $v := 1.5e+3 }}") == expected);
}

TEST_CASE("quoted strings are unescaped, raw strings kept as written, and characters are their own kind") {
  const std::vector<Token> expected{
      {Tok::left, "{{", 1},    {Tok::string, "a\tb", 1}, {Tok::space, " ", 1}, {Tok::string, "r\\n", 1},
      {Tok::space, " ", 1},    {Tok::char_, "x", 1},     {Tok::space, " ", 1}, {Tok::lparen, "(", 1},
      {Tok::ident, "len", 1},  {Tok::space, " ", 1},     {Tok::dot, ".", 1},   {Tok::rparen, ")", 1},
      {Tok::right, "}}", 1},   {Tok::eof, "", 1}};
  CHECK(lex_template("t", "{{\"a\\tb\" `r\\n` 'x' (len .)}}") == expected);
}

TEST_CASE("lexing errors name the template and the line, as text/template does") {
  CHECK(lex_error("{{ .A") == "template: t:1: unclosed action");
  CHECK(lex_error("a\n{{ \"abc }}") == "template: t:2: unterminated quoted string");
  CHECK(lex_error("{{ (.A }}") == "template: t:1: unclosed left paren");
  CHECK(lex_error("{{ .A) }}") == "template: t:1: unexpected right paren");
  CHECK(lex_error("{{ # }}") == "template: t:1: unexpected \"#\" in command");
  CHECK(lex_error("{{/* x }}") == "template: t:1: unclosed comment");
}
