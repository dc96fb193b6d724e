// Alertmanager's time intervals: what each condition contains, in which time zone, and what it refuses.
#include <catch2/catch.hpp>

#include "alertd/notify/config.h"
#include "alertd/notify/time_interval.h"
#include "common/rfc3339.h"

using namespace twikit;
using namespace twikit::notify;

namespace {

TimestampMs at(const std::string& rfc3339) {
  TimestampMs t = 0;
  REQUIRE(parse_rfc3339(rfc3339, t));
  return t;
}

std::string refusal(InclusiveRange (*parse)(std::string_view), std::string_view text) {
  try {
    parse(text);
  } catch (const TimeIntervalError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("times of day are half-open: the start minute is inside, the end minute is not") {
  TimeInterval ti;
  ti.times = {{parse_time_of_day("09:00"), parse_time_of_day("17:00")}};
  CHECK_FALSE(ti.contains(at("2024-03-04T08:59:59Z")));
  CHECK(ti.contains(at("2024-03-04T09:00:00Z")));
  CHECK(ti.contains(at("2024-03-04T16:59:59.999Z")));
  CHECK_FALSE(ti.contains(at("2024-03-04T17:00:00Z")));
  ti.times = {{parse_time_of_day("20:00"), parse_time_of_day("24:00")}};
  CHECK(ti.contains(at("2024-03-04T23:59:00Z")));
  CHECK_FALSE(ti.contains(at("2024-03-05T00:00:00Z")));
}

TEST_CASE("weekdays, months and years are inclusive ranges; every condition given must hold") {
  TimeInterval ti;
  ti.weekdays = {parse_weekday_range("Monday:Friday")};
  CHECK(ti.contains(at("2024-03-04T12:00:00Z")));        // Monday
  CHECK(ti.contains(at("2024-03-08T23:59:00Z")));        // Friday
  CHECK_FALSE(ti.contains(at("2024-03-09T12:00:00Z")));  // Saturday
  CHECK_FALSE(ti.contains(at("2024-03-10T12:00:00Z")));  // Sunday
  ti.months = {parse_month_range("january:february"), parse_month_range("12")};
  CHECK_FALSE(ti.contains(at("2024-03-04T12:00:00Z")));
  CHECK(ti.contains(at("2024-02-05T12:00:00Z")));
  CHECK(ti.contains(at("2024-12-02T12:00:00Z")));
  ti.years = {parse_year_range("2020:2023")};
  CHECK_FALSE(ti.contains(at("2024-12-02T12:00:00Z")));
  CHECK(ti.contains(at("2023-12-04T12:00:00Z")));
}

TEST_CASE("negative days of the month count from the month's last day, which depends on the month") {
  TimeInterval ti;
  ti.days_of_month = {parse_day_of_month_range("-1")};
  CHECK(ti.contains(at("2024-02-29T10:00:00Z")));
  CHECK(ti.contains(at("2023-02-28T10:00:00Z")));  // 2023's February ends on the 28th
  CHECK_FALSE(ti.contains(at("2024-02-28T10:00:00Z")));
  CHECK(ti.contains(at("2024-04-30T10:00:00Z")));
  ti.days_of_month = {parse_day_of_month_range("-3:-2")};
  CHECK(ti.contains(at("2024-01-29T10:00:00Z")));
  CHECK(ti.contains(at("2024-01-30T10:00:00Z")));
  CHECK_FALSE(ti.contains(at("2024-01-31T10:00:00Z")));
  // A range that starts after the month's last day is skipped; one that ends after it is clamped.
  ti.days_of_month = {parse_day_of_month_range("31")};
  CHECK_FALSE(ti.contains(at("2024-04-30T10:00:00Z")));
  ti.days_of_month = {parse_day_of_month_range("29:31")};
  CHECK(ti.contains(at("2024-02-29T10:00:00Z")));
}

TEST_CASE("a location reads the instant as that zone's civil time, daylight saving included") {
  TimeInterval ti;
  ti.times = {{parse_time_of_day("09:00"), parse_time_of_day("17:00")}};
  ti.location = TimeZone::load("Australia/Sydney");
  // 22:30 UTC on Sunday is 09:30 on Monday in Sydney in March (AEDT, +11) ...
  CHECK(ti.contains(at("2024-03-03T22:30:00Z")));
  // ... and 08:30 in June (AEST, +10).
  CHECK_FALSE(ti.contains(at("2024-06-02T22:30:00Z")));
  ti.weekdays = {parse_weekday_range("monday")};
  CHECK(ti.contains(at("2024-03-03T22:30:00Z")));
  CHECK(TimeZone::load("UTC").offset_seconds(0) == 0);
  CHECK(TimeZone().name() == "UTC");
  CHECK_THROWS_WITH(TimeZone::load("Mars/Olympus_Mons"), "unknown time zone Mars/Olympus_Mons");
}

TEST_CASE("names resolve to their intervals; any interval of any name counts") {
  TimeIntervals named;
  TimeInterval weekend;
  // Sunday is day 0, so "saturday:sunday" is refused, as in Alertmanager: the weekend is two entries.
  CHECK(refusal(parse_weekday_range, "saturday:sunday") == "start day cannot be before end day");
  weekend.weekdays = {parse_weekday_range("saturday"), parse_weekday_range("sunday")};
  TimeInterval night;
  night.times = {{parse_time_of_day("00:00"), parse_time_of_day("06:00")}};
  named["offhours"] = {weekend, night};
  CHECK(in_time_intervals(named, {"offhours"}, at("2024-03-09T12:00:00Z")));
  CHECK(in_time_intervals(named, {"offhours"}, at("2024-03-05T05:59:00Z")));
  CHECK_FALSE(in_time_intervals(named, {"offhours"}, at("2024-03-05T06:00:00Z")));
  CHECK_FALSE(in_time_intervals(named, {"unknown"}, at("2024-03-09T12:00:00Z")));
  CHECK_FALSE(in_time_intervals(named, {}, at("2024-03-09T12:00:00Z")));
}

TEST_CASE("values Alertmanager refuses are refused with its words") {
  CHECK(refusal(parse_weekday_range, "friday:monday") == "start day cannot be before end day");
  CHECK(refusal(parse_weekday_range, "funday") == "funday is not a valid weekday");
  CHECK(refusal(parse_weekday_range, "monday:tuesday:friday") == "couldn't parse range monday:tuesday:friday, invalid format");
  CHECK(refusal(parse_day_of_month_range, "0") == "0 is not a valid day of the month: out of range");
  CHECK(refusal(parse_day_of_month_range, "-32") == "-32 is not a valid day of the month: out of range");
  CHECK(refusal(parse_day_of_month_range, "-3:5") == "end day must be negative if start day is negative");
  CHECK(refusal(parse_day_of_month_range, "10:-25") == "end day -25 is always before start day 10");
  CHECK(refusal(parse_day_of_month_range, "x") == "strconv.Atoi: parsing \"x\": invalid syntax");
  CHECK(refusal(parse_month_range, "march:january") == "end month january is before start month march");
  CHECK(refusal(parse_month_range, "smarch") == "smarch is not a valid month");
  CHECK(refusal(parse_year_range, "2022:2020") == "end year 2020 is before start year 2022");
  CHECK_THROWS_WITH(parse_time_of_day("9:00"), "couldn't parse timestamp 9:00, invalid format");
  CHECK_THROWS_WITH(parse_time_of_day("24:01"), "couldn't parse timestamp 24:01, invalid format");
  CHECK(parse_time_of_day("24:00") == 1440);
  CHECK(parse_time_of_day("00:00") == 0);
}
