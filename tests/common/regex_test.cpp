#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "common/regex.h"
#include "support/process.h"

using twikit::Regex;
using twikit::RegexAnchor;
using twikit::RegexError;

namespace {

std::string error_of(const std::string& pattern, RegexAnchor anchor = RegexAnchor::none) {
  try {
    Regex::compile(pattern, anchor);
  } catch (const RegexError& e) {
    return e.what();
  }
  return "compiled";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("PromQL anchoring is ^(?s:…)$: whole value, and '.' matches a newline") {
  const Regex re = Regex::compile("a.c|x", RegexAnchor::promql);
  CHECK(re.full_match("abc"));
  CHECK(re.partial_match("a\nc"));
  CHECK_FALSE(re.partial_match("abcd"));
  CHECK_FALSE(re.partial_match("xabc"));
  CHECK(re.partial_match("x"));
  CHECK(Regex::compile("(?i)API.*", RegexAnchor::promql).partial_match("api-server"));
}

TEST_CASE("Alertmanager anchoring is ^(?:…)$: whole value, '.' stops at a newline") {
  const Regex re = Regex::compile("a.c", RegexAnchor::alertmanager);
  CHECK(re.partial_match("abc"));
  CHECK_FALSE(re.partial_match("a\nc"));
  CHECK_FALSE(re.partial_match("abcd"));
  CHECK(Regex::compile("(?i)crit.*", RegexAnchor::alertmanager).partial_match("CRITICAL"));
}

TEST_CASE("a pattern that only parses inside the wrapping group is rejected") {
  CHECK(error_of("a)|(b", RegexAnchor::promql) == "unexpected ): `a)|(b`");
  CHECK(error_of("a)|(b", RegexAnchor::alertmanager) == "unexpected ): `a)|(b`");
}

TEST_CASE("unanchored regexes match anywhere, as Go's MatchString") {
  const Regex re = Regex::compile("b+");
  CHECK(re.partial_match("abbbc"));
  CHECK_FALSE(re.full_match("abbbc"));
  CHECK(re.full_match("bbb"));
  CHECK_FALSE(re.partial_match("ac"));
}

TEST_CASE("find returns the leftmost match and its groups, unset groups as nullopt") {
  const auto m = Regex::compile("(foo)|(bar)baz").find("xbarbazy");
  REQUIRE(m);
  REQUIRE(m->size() == 3);
  CHECK((*m)[0] == "barbaz");
  CHECK_FALSE((*m)[1].has_value());
  CHECK((*m)[2] == "bar");
  CHECK_FALSE(Regex::compile("z").find("abc").has_value());
}

TEST_CASE("replace_all expands $1, ${1}, $name, ${name} and $$ as Go's ReplaceAllString") {
  const Regex re = Regex::compile("a(x*)b");
  CHECK(re.replace_all("-ab-axxb-", "T") == "-T-T-");
  CHECK(re.replace_all("-ab-axxb-", "$1") == "--xx-");
  CHECK(re.replace_all("-ab-axxb-", "$1W") == "---");  // "1W" names no group
  CHECK(re.replace_all("-ab-axxb-", "${1}W") == "-W-xxW-");
  CHECK(re.replace_all("-ab-axxb-", "$$1") == "-$1-$1-");
  CHECK(re.replace_all("-ab-", "${1") == "-${1-");  // unclosed brace: the '$' is text
  CHECK(re.replace_all("-ab-", "$") == "-$-");
  const Regex named = Regex::compile(R"((?P<first>\w+)\s(?P<last>\w+))");
  CHECK(named.replace_all("Alan Turing", "${last}, $first") == "Turing, Alan");
  CHECK(named.replace_all("Alan Turing", "$2 $01 $9") == "Turing  ");
}

TEST_CASE("replace_all skips an empty match right after a match and steps over whole runes") {
  CHECK(Regex::compile("a*").replace_all("baaac", "X") == "XbXcX");
  CHECK(Regex::compile("x*").replace_all("abc", "-") == "-a-b-c-");
  CHECK(Regex::compile("").replace_all("é", "-") == "-é-");
  CHECK(Regex::compile("^").replace_all("ab", "^") == "^ab");
}

TEST_CASE("patterns RE2 rejects fail with its reason and the offending part") {
  CHECK(error_of("(a{300}){300}") == "invalid repetition size: `{300}`");
  CHECK(error_of("a{1001}") == "invalid repetition size: `{1001}`");
  CHECK(error_of("(ab") == "missing ): `(ab`");
  CHECK(error_of("a**") == "bad repetition operator: `**`");
  CHECK(error_of("\\8") == "invalid escape sequence: `\\8`");
}

TEST_CASE("a program over the per-pattern memory budget is rejected, not compiled") {
  std::string big;
  // Distinct first characters keep RE2 from factoring the alternatives into one.
  for (int i = 0; i < 300; ++i) big += std::to_string(i) + "x[a-z]{1000}|";  // the budget allows ~150,000
  big += "b";
  const std::string e = error_of(big);
  CHECK(e == "pattern too large - compile failed (its program exceeds the 2 MiB regex memory budget)");
}

TEST_CASE("(a|aa)*b against long inputs answers in linear time") {
  const Regex re = Regex::compile("(a|aa)*b", RegexAnchor::promql);
  const auto start = std::chrono::steady_clock::now();
  for (const std::size_t n : {40u, 1000u, 100000u}) CHECK_FALSE(re.full_match(std::string(n, 'a')));
  CHECK(re.full_match(std::string(100000, 'a') + "b"));
  // std::regex took 8.5 s at 38 characters, doubling per character; RE2 needs milliseconds.
  CHECK(seconds_since(start) < 2.0 * twikit::testing::kTimeoutScale);
}

TEST_CASE("the compile cache answers repeats from memory and evicts least recently used first") {
  twikit::clear_regex_cache();
  const auto before = twikit::regex_cache_stats();
  const Regex a = Regex::compile("cache-test-a");
  const Regex a2 = Regex::compile("cache-test-a");
  CHECK(&a.pattern() == &a2.pattern());  // one shared program
  const auto after = twikit::regex_cache_stats();
  CHECK(after.entries == 1);
  CHECK(after.hits == before.hits + 1);
  CHECK(after.misses == before.misses + 1);
  CHECK(after.bytes > twikit::regex_estimated_bytes(12, 0));  // the pattern and its program
  // Room for two entries of this size: compiling a third evicts the least recently used.
  twikit::set_regex_cache_capacity(after.bytes * 2 + after.bytes / 2);
  Regex::compile("cache-test-b");
  Regex::compile("cache-test-a");  // a is now the most recent
  Regex::compile("cache-test-c");  // evicts b
  const auto full = twikit::regex_cache_stats();
  CHECK(full.entries == 2);
  CHECK(full.bytes <= full.capacity_bytes);
  const auto misses = full.misses;
  Regex::compile("cache-test-a");
  CHECK(twikit::regex_cache_stats().misses == misses);
  Regex::compile("cache-test-b");
  CHECK(twikit::regex_cache_stats().misses == misses + 1);
  CHECK(a.partial_match("xcache-test-ay"));  // still valid after its entry came and went
  twikit::set_regex_cache_capacity(twikit::kRegexCacheDefaultBytes);
  twikit::clear_regex_cache();
}

TEST_CASE("400 distinct big patterns keep the cache under its byte bound") {
  twikit::clear_regex_cache();
  std::size_t rejected = 0;
  for (int i = 0; i < 400; ++i) {
    // The issue's attack: RE2 refuses the nested repetition outright.
    try {
      Regex::compile("(a{300}){300}|b" + std::to_string(i), RegexAnchor::promql);
    } catch (const RegexError& e) {
      CHECK(std::string(e.what()) == "invalid repetition size: `{300}`");
      ++rejected;
    }
    // The biggest nested repetition RE2 accepts, three times over: compiled, cached, then evicted.
    const Regex re =
        Regex::compile("(a{30}){30}(b{30}){30}(c{30}){30}|N" + std::to_string(i), RegexAnchor::promql);
    CHECK(re.full_match("N" + std::to_string(i)));
    const auto s = twikit::regex_cache_stats();
    REQUIRE(s.bytes <= s.capacity_bytes);
  }
  CHECK(rejected == 400);
  const auto s = twikit::regex_cache_stats();
  CHECK(s.capacity_bytes == twikit::kRegexCacheDefaultBytes);
  CHECK(s.evictions > 0);
  CHECK(s.entries < 400);
  twikit::clear_regex_cache();
}

TEST_CASE("a group name in a replacement ends where Go's letters and digits end") {
  const Regex re = Regex::compile("(?P<x>b)");
  CHECK(re.replace_all("abc", "[$x—]") == "a[b—]c");     // an em dash is not a letter
  CHECK(re.replace_all("abc", "[$xé]") == "a[]c");       // é is: the name is "xé", no such group
  CHECK(re.replace_all("abc", "[${x}é]") == "a[bé]c");
}
