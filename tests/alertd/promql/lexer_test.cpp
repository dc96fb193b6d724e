#include <catch2/catch.hpp>

#include "alertd/promql/lexer.h"

using namespace twikit::promql;

namespace {
std::vector<TokenKind> kinds(const std::string& q) {
  std::vector<TokenKind> out;
  for (const auto& t : lex(q)) out.push_back(t.kind);
  return out;
}
}  // namespace

TEST_CASE("the lexer splits selectors, durations and operators with positions", "[promql][lexer]") {
  auto toks = lex("rate(http{job=~\"a.*\"}[5m]) >= 0.5");
  REQUIRE(toks.size() == 15);
  CHECK(toks[0].text == "rate");
  CHECK(toks[3].kind == TokenKind::lbrace);
  CHECK(toks[5].text == "=~");
  CHECK(toks[6].kind == TokenKind::string);
  CHECK(toks[6].text == "a.*");
  CHECK(toks[9].kind == TokenKind::duration);
  CHECK(toks[9].text == "5m");
  CHECK(toks[9].pos == 22);
  CHECK(toks[12].text == ">=");
  CHECK(toks[13].text == "0.5");
  CHECK(toks[14].kind == TokenKind::eof);
}

TEST_CASE("numbers, hex, exponents and compound durations are recognised", "[promql][lexer]") {
  CHECK(kinds("0x1F") == std::vector<TokenKind>{TokenKind::number, TokenKind::eof});
  CHECK(kinds("1e-3") == std::vector<TokenKind>{TokenKind::number, TokenKind::eof});
  CHECK(kinds(".5") == std::vector<TokenKind>{TokenKind::number, TokenKind::eof});
  CHECK(kinds("1h30m") == std::vector<TokenKind>{TokenKind::duration, TokenKind::eof});
  CHECK(kinds("5ms") == std::vector<TokenKind>{TokenKind::duration, TokenKind::eof});
  CHECK(kinds("[5m:1m]") == std::vector<TokenKind>{TokenKind::lbracket, TokenKind::duration, TokenKind::colon,
                                                   TokenKind::duration, TokenKind::rbracket, TokenKind::eof});
}

TEST_CASE("string escapes are resolved and raw strings are kept verbatim", "[promql][lexer]") {
  CHECK(lex(R"("a\"b\n\x41\u00e9")")[0].text == "a\"b\nA\xc3\xa9");
  CHECK(lex(R"('it\'s')")[0].text == "it's");
  CHECK(lex(R"(`a\d`)")[0].text == "a\\d");
}

TEST_CASE("comments are skipped and bad input reports its offset", "[promql][lexer]") {
  CHECK(kinds("up # comment") == std::vector<TokenKind>{TokenKind::identifier, TokenKind::eof});
  try {
    lex("up{a=\"x}");
    FAIL("expected LexError");
  } catch (const LexError& e) {
    CHECK(e.pos == 5);
    CHECK(e.message == "unterminated quoted string");
  }
}
