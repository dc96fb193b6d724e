#include <catch2/catch.hpp>

#include "common/query_escape.h"

using twikit::query_escape;

TEST_CASE("query_escape writes what Go's url.QueryEscape writes") {
  CHECK(query_escape("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(query_escape("rate(m{job=\"a b\"}[5m])") == "rate%28m%7Bjob%3D%22a+b%22%7D%5B5m%5D%29");
  CHECK(query_escape("é/+&%") == "%C3%A9%2F%2B%26%25");
  CHECK(query_escape(std::string("\0\xff", 2)) == "%00%FF");
  CHECK(query_escape("").empty());
}
