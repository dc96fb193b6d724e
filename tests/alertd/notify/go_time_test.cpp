// Go's time.Time in notification templates: Format with Go's layouts, String, Unix, UTC, Local and the
// calendar fields. Every expected string is what Go 1.19's time package printed for the same instant and
// layout (`go run` with time.UnixMilli(ms).UTC() / .In(Europe/Berlin) and t.Format(layout)).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <optional>

#include "alertd/notify/default_templates.h"
#include "alertd/notify/go_time_format.h"
#include "alertd/notify/template_model.h"
#include "support/notify/fakes.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;

namespace {
constexpr std::int64_t kTuesdayEvening = 1'700'000'000'123;  // 2023-11-14 22:13:20.123 UTC
constexpr std::int64_t kSaturdayMorning = 1'686'992'707'000; // 2023-06-17 09:05:07 UTC

struct Case {
  const char* layout;
  const char* expected;
};

GoTime in_zone(std::int64_t ms, std::int32_t offset, const char* zone) {
  GoTime t = go_time_from_ms(ms);
  t.offset_seconds = offset;
  t.zone = zone;
  return t;
}

// Sets TZ for the lifetime of the object (Go's Local follows TZ too).
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (old_) ::setenv("TZ", old_->c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> old_;
};

std::string render(const std::string& text, std::int64_t starts_at) {
  Notification n;
  n.receiver = "r";
  n.alerts = {firing({{"alertname", "A"}}, starts_at)};
  n.now = starts_at + 1000;
  return default_template_set()->parse("t", text).execute(notification_template_data(n));
}
}  // namespace

TEST_CASE("Format writes every layout element Go knows, as Go does, in UTC") {
  const GoTime t = go_time_from_ms(kTuesdayEvening);
  const Case cases[] = {
      {"Mon Jan 2 15:04:05 MST 2006", "Tue Nov 14 22:13:20 UTC 2023"},
      {"2006-01-02T15:04:05.000Z07:00", "2023-11-14T22:13:20.123Z"},
      {"2006-01-02T15:04:05.999999999Z07:00", "2023-11-14T22:13:20.123Z"},
      {"Monday, 02-Jan-06 15:04:05 MST", "Tuesday, 14-Nov-23 22:13:20 UTC"},
      {"3:04PM 03:04:05 pm", "10:13PM 10:13:20 pm"},
      {"_2|__2|002|Jan|January|1|01|2", "14|318|318|Nov|November|11|11|14"},
      {"-0700|-07:00|-07|-070000|-07:00:00|Z0700|Z07|Z070000|Z07:00:00", "+0000|+00:00|+00|+000000|+00:00:00|Z|Z|Z|Z"},
      {"05,000|05.99|05.9990|.0|,9", "20,123|20.12|20.9990|.1|,1"},
      {"Jant Mont Mondays _2006 MSTx", "Jant Mont Tuesdays _2023 UTCx"},
  };
  for (const auto& c : cases) {
    INFO(c.layout);
    CHECK(go_time_format(t, c.layout) == c.expected);
  }
}

TEST_CASE("Format pads, drops zero fractions and writes AM as Go does on a morning with whole seconds") {
  const GoTime t = go_time_from_ms(kSaturdayMorning);
  const Case cases[] = {
      {"Mon Jan 2 15:04:05 MST 2006", "Sat Jun 17 09:05:07 UTC 2023"},
      {"2006-01-02T15:04:05.000Z07:00", "2023-06-17T09:05:07.000Z"},
      {"2006-01-02T15:04:05.999999999Z07:00", "2023-06-17T09:05:07Z"},
      {"3:04PM 03:04:05 pm", "9:05AM 09:05:07 am"},
      {"_2|__2|002|Jan|January|1|01|2", "17|168|168|Jun|June|6|06|17"},
      {"05,000|05.99|05.9990|.0|,9", "07,000|07|07.9990|.0|"},
  };
  for (const auto& c : cases) {
    INFO(c.layout);
    CHECK(go_time_format(t, c.layout) == c.expected);
  }
}

TEST_CASE("Go's zero time, which stands for an unset time, formats as year 1") {
  const GoTime t = go_time_from_ms(0);
  CHECK(go_time_string(t) == "0001-01-01 00:00:00 +0000 UTC");
  CHECK(t.unix_seconds == -62'135'596'800);
  CHECK(go_time_format(t, "Mon Jan 2 15:04:05 MST 2006") == "Mon Jan 1 00:00:00 UTC 0001");
  CHECK(go_time_format(t, "3:04PM 03:04:05 pm") == "12:00AM 12:00:00 am");
  CHECK(go_time_format(t, "_2|__2|002|Jan|January|1|01|2") == " 1|  1|001|Jan|January|1|01|1");
  CHECK(go_time_string(go_time_from_ms(-1'500)) == "1969-12-31 23:59:58.5 +0000 UTC");
  CHECK(go_time_from_ms(-1'500).unix_seconds == -2);
}

TEST_CASE("Format in a zone east of UTC writes its offset and abbreviation, and Z forms as offsets") {
  const GoTime winter = in_zone(kTuesdayEvening, 3600, "CET");
  CHECK(go_time_string(winter) == "2023-11-14 23:13:20.123 +0100 CET");
  CHECK(go_time_format(winter, "Mon Jan 2 15:04:05 MST 2006") == "Tue Nov 14 23:13:20 CET 2023");
  CHECK(go_time_format(winter, "2006-01-02T15:04:05.000Z07:00") == "2023-11-14T23:13:20.123+01:00");
  CHECK(go_time_format(winter, "-0700|-07:00|-07|-070000|-07:00:00|Z0700|Z07|Z070000|Z07:00:00") ==
        "+0100|+01:00|+01|+010000|+01:00:00|+0100|+01|+010000|+01:00:00");
  const GoTime summer = in_zone(kSaturdayMorning, 7200, "CEST");
  CHECK(go_time_format(summer, "Monday, 02-Jan-06 15:04:05 MST") == "Saturday, 17-Jun-23 11:05:07 CEST");
  CHECK(go_time_format(summer, "2006-01-02T15:04:05.999999999Z07:00") == "2023-06-17T11:05:07+02:00");
  // A zone without an abbreviation prints its offset for MST, as Go does.
  CHECK(go_time_format(in_zone(kSaturdayMorning, -(3 * 3600 + 30 * 60), ""), "15:04 MST") == "05:35 -0330");
}

TEST_CASE("the String form reads back to the same instant and zone") {
  for (const GoTime& t : {go_time_from_ms(kTuesdayEvening), go_time_from_ms(0), go_time_from_ms(-1'500),
                          in_zone(kSaturdayMorning, 7200, "CEST")}) {
    const auto back = parse_go_time_string(go_time_string(t));
    REQUIRE(back);
    CHECK(back->unix_seconds == t.unix_seconds);
    CHECK(back->nanos == t.nanos);
    CHECK(back->offset_seconds == t.offset_seconds);
    CHECK(back->zone == t.zone);
  }
  CHECK_FALSE(parse_go_time_string("2023-02-29 00:00:00 +0000 UTC"));
  CHECK_FALSE(parse_go_time_string("yesterday"));
}

TEST_CASE("templates call Format, Unix, UTC, Local and the calendar fields on StartsAt as Alertmanager's do") {
  CHECK(render(R"({{ range .Alerts }}{{ .StartsAt.Format "Mon Jan 2 15:04:05 MST 2006" }}{{ end }})", kTuesdayEvening) ==
        "Tue Nov 14 22:13:20 UTC 2023");
  CHECK(render(R"({{ (index .Alerts 0).StartsAt.Format "2006-01-02T15:04:05.000Z07:00" }})", kTuesdayEvening) ==
        "2023-11-14T22:13:20.123Z");
  CHECK(render(R"({{ (index .Alerts 0).StartsAt }})", kTuesdayEvening) == "2023-11-14 22:13:20.123 +0000 UTC");
  CHECK(render(R"({{ (index .Alerts 0).StartsAt.Unix }} {{ (index .Alerts 0).StartsAt.UnixMilli }})", kTuesdayEvening) ==
        "1700000000 1700000000123");
  CHECK(render(R"({{ with (index .Alerts 0).StartsAt }}{{ .Year }}-{{ .YearDay }} {{ .Day }} {{ .Hour }}:{{ .Minute }}:{{ .Second }}.{{ .Nanosecond }}{{ end }})",
               kTuesdayEvening) == "2023-318 14 22:13:20.123000000");
  CHECK(render(R"({{ (index .Alerts 0).EndsAt.IsZero }} {{ (index .Alerts 0).StartsAt.IsZero }})", kTuesdayEvening) ==
        "true false");
  CHECK(render(R"({{ (index .Alerts 0).EndsAt.Format "2006-01-02" }} {{ (index .Alerts 0).EndsAt.Unix }})", kTuesdayEvening) ==
        "0001-01-01 -62135596800");
  {
    const ScopedTz berlin("Europe/Berlin");
    CHECK(render(R"({{ (index .Alerts 0).StartsAt.Local }})", kTuesdayEvening) == "2023-11-14 23:13:20.123 +0100 CET");
    CHECK(render(R"({{ (index .Alerts 0).StartsAt.Local.Format "15:04 MST" }})", kSaturdayMorning) == "11:05 CEST");
    CHECK(render(R"({{ (index .Alerts 0).StartsAt.Local.UTC }})", kSaturdayMorning) == "2023-06-17 09:05:07 +0000 UTC");
  }
}

TEST_CASE("a time method called wrongly fails with Go's words") {
  CHECK_THROWS_WITH(render(R"({{ (index .Alerts 0).StartsAt.Format }})", kTuesdayEvening),
                    Catch::Contains("wrong number of args for Format: want 1 got 0"));
  CHECK_THROWS_WITH(render(R"({{ (index .Alerts 0).StartsAt.Format 3 }})", kTuesdayEvening),
                    Catch::Contains("wrong type for value; expected string; got int"));
}
