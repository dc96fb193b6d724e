#pragma once
// Alertmanager's time intervals: named sets of times of day, weekdays, days of the month, months and years
// in a time zone, which mute a route (`mute_time_intervals`) or are the only times it sends
// (`active_time_intervals`).

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alertd/notify/alert.h"

namespace twikit::notify {

/// A time interval's value that Alertmanager would refuse; what() is Alertmanager's message.
class TimeIntervalError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// An inclusive range of integers (weekdays 0–6 from Sunday, days of the month with negatives counting
/// from the month's end, months 1–12, years).
struct InclusiveRange {
  int begin = 0;  ///< First member.
  int end = 0;    ///< Last member (inclusive).
};

/// Minutes of the day from `start_minute` up to, not including, `end_minute` (0–1440).
struct MinuteRange {
  int start_minute = 0;  ///< First minute of the day inside the range.
  int end_minute = 0;    ///< First minute after the range.
};

/// The time zone a TimeInterval is read in: UTC unless `location` names another.
class TimeZone {
 public:
  /// UTC.
  TimeZone() = default;
  /// The IANA zone `name` ("UTC", "Local" for the host's zone, "Europe/London", …) from the system's
  /// zoneinfo; throws TimeIntervalError "unknown time zone NAME" when there is none.
  static TimeZone load(const std::string& name);
  /// The zone's name as configured ("UTC" by default).
  const std::string& name() const { return name_; }
  /// The local civil time's offset from UTC, in seconds, at the UTC instant `unix_seconds`.
  long offset_seconds(std::int64_t unix_seconds) const;

 private:
  std::string name_ = "UTC";
  const void* zone_ = nullptr;  // date::time_zone of the system database; null for UTC
};

/// One entry of a named interval's list: every condition given must hold (an absent one holds always).
struct TimeInterval {
  std::vector<MinuteRange> times;            ///< `times`: start_time/end_time "HH:MM" pairs.
  std::vector<InclusiveRange> weekdays;      ///< `weekdays`: "monday" or "monday:friday".
  std::vector<InclusiveRange> days_of_month; ///< `days_of_month`: "1", "1:5", "-3:-1".
  std::vector<InclusiveRange> months;        ///< `months`: "january:march" or "1:3".
  std::vector<InclusiveRange> years;         ///< `years`: "2020:2022".
  TimeZone location;                         ///< `location`; UTC when absent.

  /// Whether the instant `t` (Unix ms) falls inside, read as civil time in `location`, exactly as
  /// Alertmanager's ContainsTime reads it.
  bool contains(TimestampMs t) const;
};

/// Named intervals, as `time_intervals:` (and the older `mute_time_intervals:`) define them.
using TimeIntervals = std::map<std::string, std::vector<TimeInterval>>;

/// Whether `t` is inside any interval of any of `names` (names missing from `intervals` count as never).
bool in_time_intervals(const TimeIntervals& intervals, const std::vector<std::string>& names, TimestampMs t);

/// "HH:MM" (00:00–24:00) as minutes of the day; throws TimeIntervalError as Alertmanager words it.
int parse_time_of_day(std::string_view text);
/// A `weekdays` entry; throws TimeIntervalError.
InclusiveRange parse_weekday_range(std::string_view text);
/// A `days_of_month` entry; throws TimeIntervalError.
InclusiveRange parse_day_of_month_range(std::string_view text);
/// A `months` entry; throws TimeIntervalError.
InclusiveRange parse_month_range(std::string_view text);
/// A `years` entry; throws TimeIntervalError.
InclusiveRange parse_year_range(std::string_view text);

}  // namespace twikit::notify
