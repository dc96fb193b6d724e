#include <catch2/catch.hpp>

#include "test_script.h"

using namespace twikit::conformance;

TEST_CASE("scripts split into load, eval and clear commands with their expectations", "[conformance][notation]") {
  const auto cmds = parse_test_script(
      "load 5m\n  up{job=\"a\"} 1 2\n\n# comment\neval instant at 10m up\n  expect ordered\n  up{job=\"a\"} 2\n"
      "\neval range from 0 to 10m step 5m up\n  up{job=\"a\"} 1 2 _\n\neval_fail instant at 0 foo(\n"
      "  expected_fail_regexp unknown\nclear\n");
  REQUIRE(cmds.size() == 5);
  CHECK(cmds[0].load.step_ms == 300000);
  CHECK(cmds[1].eval.at_ms == 600000);
  CHECK(cmds[1].eval.ordered);
  CHECK(cmds[1].eval.line == 5);
  CHECK(cmds[2].eval.range);
  CHECK(cmds[2].eval.series[0].values.size() == 3);
  CHECK(cmds[3].eval.expect_fail);
  CHECK(*cmds[3].eval.fail_regex == "unknown");
  CHECK(cmds[4].kind == Command::Kind::clear);
}
