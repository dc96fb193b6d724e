#include <catch2/catch.hpp>

#include <cmath>

#include "alertd/rules/go_format.h"
#include "alertd/rules/humanize.h"

using namespace twikit::rules;

TEST_CASE("humanize uses SI prefixes with four significant digits, like Prometheus") {
  CHECK(humanize(0) == "0");
  CHECK(humanize(1) == "1");
  CHECK(humanize(1234) == "1.234k");
  CHECK(humanize(1234567) == "1.235M");
  CHECK(humanize(0.12) == "120m");
  CHECK(humanize(0.000001234) == "1.234u");
  CHECK(humanize(-2500) == "-2.5k");
  CHECK(humanize(NAN) == "NaN");
  CHECK(humanize(INFINITY) == "+Inf");
}

TEST_CASE("humanize1024 uses binary prefixes and leaves |v| <= 1 alone") {
  CHECK(humanize_1024(0) == "0");
  CHECK(humanize_1024(1) == "1");
  CHECK(humanize_1024(0.12) == "0.12");
  CHECK(humanize_1024(1024) == "1ki");
  CHECK(humanize_1024(1048576) == "1Mi");
  CHECK(humanize_1024(1536) == "1.5ki");
}

TEST_CASE("humanizeDuration prints days to seconds, or SI-prefixed seconds below one second") {
  CHECK(humanize_duration(0) == "0s");
  CHECK(humanize_duration(1) == "1s");
  CHECK(humanize_duration(60) == "1m 0s");
  CHECK(humanize_duration(3600) == "1h 0m 0s");
  CHECK(humanize_duration(86400) == "1d 0h 0m 0s");
  CHECK(humanize_duration(86400 + 3600) == "1d 1h 0m 0s");
  CHECK(humanize_duration(-(86400 * 2 + 3600 * 3 + 60 * 4 + 5)) == "-2d 3h 4m 5s");
  CHECK(humanize_duration(899.99) == "14m 59s");
  CHECK(humanize_duration(0.1) == "100ms");
  CHECK(humanize_duration(0.0001) == "100us");
  CHECK(humanize_duration(0.12345) == "123.5ms");
  CHECK(humanize_duration(60.1) == "1m 0s");
  CHECK(humanize_duration(1.2345) == "1.234s");
  CHECK(humanize_duration(12.345) == "12.35s");
}

TEST_CASE("humanizeDuration of a value past int64 prints what Prometheus prints on amd64, without undefined behaviour") {
  CHECK(humanize_duration(1e19) == "-106751991167300d -15h -30m -8s");
  CHECK(humanize_duration(-1e19) == "--106751991167300d -15h -30m -8s");
  CHECK(humanize_duration(9.2e18) == "106481481481481d 11h 33m 20s");
}

TEST_CASE("humanizePercentage multiplies by 100 with four significant digits") {
  CHECK(humanize_percentage(0) == "0%");
  CHECK(humanize_percentage(0.1234567) == "12.35%");
  CHECK(humanize_percentage(1) == "100%");
  CHECK(humanize_percentage(0.05) == "5%");
}

TEST_CASE("humanizeTimestamp prints a UTC time the way Go prints time.Time") {
  CHECK(humanize_timestamp(1435065584.128) == "2015-06-23 13:19:44.128 +0000 UTC");
  CHECK(humanize_timestamp(0) == "1970-01-01 00:00:00 +0000 UTC");
  CHECK(humanize_timestamp(NAN) == "NaN");
}

TEST_CASE("floats print as Go's %v does") {
  CHECK(go_format_float(0) == "0");
  CHECK(go_format_float(1) == "1");
  CHECK(go_format_float(0.5) == "0.5");
  CHECK(go_format_float(123456) == "123456");
  CHECK(go_format_float(1e6) == "1e+06");
  CHECK(go_format_float(1234567.5) == "1.2345675e+06");
  CHECK(go_format_float(0.0001) == "0.0001");
  CHECK(go_format_float(0.00001) == "1e-05");
  CHECK(go_format_float(-3.25) == "-3.25");
  CHECK(go_format_float(NAN) == "NaN");
  CHECK(go_format_float(-INFINITY) == "-Inf");
}

TEST_CASE("printf formats like Go's fmt.Sprintf, including its complaints") {
  CHECK(go_sprintf("%.2f", {TemplateValue(1.2345)}) == "1.23");
  CHECK(go_sprintf("%s is %d%%", {TemplateValue("x"), TemplateValue(5)}) == "x is 5%");
  CHECK(go_sprintf("%d", {TemplateValue(1.5)}) == "%!d(float64=1.5)");
  CHECK(go_sprintf("%s", {}) == "%!s(MISSING)");
  CHECK(go_sprintf("%q", {TemplateValue("a\"b")}) == "\"a\\\"b\"");
  CHECK(go_sprintf("%5.1f|", {TemplateValue(3.14159)}) == "  3.1|");
  CHECK(go_sprintf("%v", {TemplateValue(2.0)}) == "2");
}
