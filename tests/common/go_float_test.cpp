#include <catch2/catch.hpp>

#include <cmath>

#include "common/go_float.h"

using twikit::GoFloat;
using twikit::parse_go_float;

TEST_CASE("floats are read as Go's ParseFloat reads them: signs, Inf and NaN in any case, the whole text") {
  CHECK(parse_go_float("1.5e3").value == 1500);
  CHECK(parse_go_float("+.5").value == 0.5);
  CHECK(parse_go_float("-2").value == -2);
  CHECK(parse_go_float("+Inf").value == HUGE_VAL);
  CHECK(parse_go_float("-inf").value == -HUGE_VAL);
  CHECK(std::isnan(parse_go_float("NaN").value));
  for (const char* bad : {"", "+", "+-1", "++1", "1,5", "1.5x", "0x1p-2", " 1"}) {
    INFO(bad);
    CHECK(parse_go_float(bad).status == GoFloat::Status::invalid);
  }
}

TEST_CASE("a float too large is out of range as +-Inf; one too small rounds to a signed zero, as in Go") {
  CHECK(parse_go_float("1e400").status == GoFloat::Status::out_of_range);
  CHECK(parse_go_float("1e400").value == HUGE_VAL);
  CHECK(parse_go_float("-1e400").value == -HUGE_VAL);
  const GoFloat tiny = parse_go_float("-1e-400");
  CHECK(tiny.status == GoFloat::Status::ok);
  CHECK(tiny.value == 0);
  CHECK(std::signbit(tiny.value));
  CHECK(parse_go_float("4e-320").value > 0);  // a subnormal is no underflow
  CHECK(parse_go_float("1e400x").status == GoFloat::Status::invalid);
}
