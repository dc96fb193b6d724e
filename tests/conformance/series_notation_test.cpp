#include <catch2/catch.hpp>
#include <cmath>

#include "series_notation.h"
#include "test_script.h"

using namespace twikit;
using namespace twikit::conformance;

namespace {
std::vector<double> floats(const std::string& s) {
  std::vector<double> out;
  for (const auto& v : expand_values(s)) out.push_back(v.kind == SeqValue::Kind::value ? v.v : -999);
  return out;
}
}  // namespace

TEST_CASE("expanding notation follows the format description", "[conformance][notation]") {
  CHECK(floats("0+10x3") == std::vector<double>{0, 10, 20, 30});
  CHECK(floats("1-1x4") == std::vector<double>{1, 0, -1, -2, -3});
  CHECK(floats("-2+4x3") == std::vector<double>{-2, 2, 6, 10});
  CHECK(floats("1x4") == std::vector<double>{1, 1, 1, 1, 1});
  CHECK(floats("0x3") == std::vector<double>{0, 0, 0, 0});  // repetition, not hex
  CHECK(floats("0x1f") == std::vector<double>{31});
  CHECK(floats("1 _x3 stale") == std::vector<double>{1, -999, -999, -999, -999});
  CHECK(expand_values("1 _x3 stale").back().kind == SeqValue::Kind::stale);
  CHECK(floats("1e3 .5 +Inf").size() == 3);
  CHECK(std::isnan(expand_values("NaN")[0].v));
  CHECK(expand_values("{{schema:1 sum:3 count:22 buckets:[5 10 7]}}x2").size() == 3);
}

TEST_CASE("series descriptors parse names, quoted names and label values", "[conformance][notation]") {
  CHECK(parse_series_labels("up{job=\"a\", i='b'}") == make_labels({{"__name__", "up"}, {"job", "a"}, {"i", "b"}}));
  CHECK(parse_series_labels("{__name__=\"x\"}") == make_labels({{"__name__", "x"}}));
  CHECK(parse_series_labels("{\"my.metric\", l=\"v\"}") == make_labels({{"__name__", "my.metric"}, {"l", "v"}}));
  CHECK(parse_series_labels("{}").empty());
  CHECK_THROWS_AS(parse_series_labels("up{job=}"), NotationError);
}

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
