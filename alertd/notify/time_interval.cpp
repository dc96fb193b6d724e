#include "alertd/notify/time_interval.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>

namespace twikit::notify {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"january", "february", "march",     "april",   "may",      "june",
                                                      "july",    "august",   "september", "october", "november", "december"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Go's strconv.Atoi, with its error text.
int atoi_go(const std::string& s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  long long value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size()) {
    throw TimeIntervalError("strconv.Atoi: parsing \"" + s + "\": invalid syntax");
  }
  if (ec == std::errc::result_out_of_range || value > (1LL << 31) - 1) {
    throw TimeIntervalError("strconv.Atoi: parsing \"" + s + "\": value out of range");
  }
  return static_cast<int>(negative ? -value : value);
}

// Alertmanager's "begin:end" or "member" form, lowercased first; `member` maps one side to an integer.
template <typename Member>
InclusiveRange parse_range(std::string_view text, Member member) {
  const std::string in = lower(text);
  const auto colon = in.find(':');
  if (colon == std::string::npos) {
    const int v = member(in);
    return {v, v};
  }
  if (in.find(':', colon + 1) != std::string::npos) {
    throw TimeIntervalError("couldn't parse range " + in + ", invalid format");
  }
  return {member(in.substr(0, colon)), member(in.substr(colon + 1))};
}

int days_in_month(date::year_month ym) {
  return static_cast<int>(static_cast<unsigned>((ym.year() / ym.month() / date::last).day()));
}

}  // namespace

TimeZone TimeZone::load(const std::string& name) {
  TimeZone tz;
  tz.name_ = name;
  if (name.empty() || name == "UTC") {
    tz.name_ = "UTC";
    return tz;
  }
  try {
    tz.zone_ = name == "Local" ? date::current_zone() : date::locate_zone(name);
  } catch (const std::exception&) {
    throw TimeIntervalError("unknown time zone " + name);
  }
  return tz;
}

long TimeZone::offset_seconds(std::int64_t unix_seconds) const {
  if (zone_ == nullptr) return 0;
  const auto* zone = static_cast<const date::time_zone*>(zone_);
  const date::sys_seconds at{std::chrono::seconds(unix_seconds)};
  return static_cast<long>(zone->get_info(at).offset.count());
}

bool TimeInterval::contains(TimestampMs t) const {
  // Civil time in the interval's zone, as Go's t.In(location) gives it.
  const std::int64_t unix_s = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
  const std::int64_t local_s = unix_s + location.offset_seconds(unix_s);
  const date::sys_seconds local{std::chrono::seconds(local_s)};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  const int minute = static_cast<int>(since_midnight);
  const int year = static_cast<int>(ymd.year());
  const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  const int mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const int weekday = static_cast<int>(date::weekday{day}.c_encoding());

  const auto any_of = [](const auto& ranges, auto pred) { return std::any_of(ranges.begin(), ranges.end(), pred); };
  if (!times.empty() &&
      !any_of(times, [&](const MinuteRange& r) { return minute >= r.start_minute && minute < r.end_minute; })) {
    return false;
  }
  if (!days_of_month.empty()) {
    const int dim = days_in_month(ymd.year() / ymd.month());
    const bool in = any_of(days_of_month, [&](const InclusiveRange& r) {
      int begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      int end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) return false;  // a range that starts after this month's last day
      begin = std::clamp(begin, -dim, dim);
      end = std::clamp(end, -dim, dim);
      return mday >= begin && mday <= end;
    });
    if (!in) return false;
  }
  if (!months.empty() && !any_of(months, [&](const InclusiveRange& r) { return month >= r.begin && month <= r.end; })) {
    return false;
  }
  if (!weekdays.empty() &&
      !any_of(weekdays, [&](const InclusiveRange& r) { return weekday >= r.begin && weekday <= r.end; })) {
    return false;
  }
  if (!years.empty() && !any_of(years, [&](const InclusiveRange& r) { return year >= r.begin && year <= r.end; })) {
    return false;
  }
  return true;
}

bool in_time_intervals(const TimeIntervals& intervals, const std::vector<std::string>& names, TimestampMs t) {
  for (const auto& name : names) {
    const auto it = intervals.find(name);
    if (it == intervals.end()) continue;
    for (const auto& interval : it->second) {
      if (interval.contains(t)) return true;
    }
  }
  return false;
}

int parse_time_of_day(std::string_view text) {
  const std::string in(text);
  const bool shape = in.size() == 5 && in[2] == ':' && std::isdigit(static_cast<unsigned char>(in[0])) &&
                     std::isdigit(static_cast<unsigned char>(in[1])) && std::isdigit(static_cast<unsigned char>(in[3])) &&
                     std::isdigit(static_cast<unsigned char>(in[4]));
  const int hours = shape ? (in[0] - '0') * 10 + (in[1] - '0') : -1;
  const int minutes = shape ? (in[3] - '0') * 10 + (in[4] - '0') : -1;
  const bool valid = shape && ((hours <= 23 && minutes <= 59) || (hours == 24 && minutes == 0));
  if (!valid) throw TimeIntervalError("couldn't parse timestamp " + in + ", invalid format");
  return hours * 60 + minutes;
}

InclusiveRange parse_weekday_range(std::string_view text) {
  const InclusiveRange r = parse_range(text, [](const std::string& s) {
    const auto it = std::find(kWeekdays.begin(), kWeekdays.end(), s);
    if (it == kWeekdays.end()) throw TimeIntervalError(s + " is not a valid weekday");
    return static_cast<int>(it - kWeekdays.begin());
  });
  if (r.begin > r.end) throw TimeIntervalError("start day cannot be before end day");
  return r;
}

InclusiveRange parse_day_of_month_range(std::string_view text) {
  const InclusiveRange r = parse_range(text, atoi_go);
  for (const int v : {r.begin, r.end}) {
    if (v == 0 || v < -31 || v > 31) {
      throw TimeIntervalError(std::to_string(v) + " is not a valid day of the month: out of range");
    }
  }
  if (r.begin < 0 && r.end > 0) throw TimeIntervalError("end day must be negative if start day is negative");
  // Always wrong whatever the month's length (28 days at least).
  const int check_begin = r.begin < 0 ? 28 + r.begin : r.begin;
  const int check_end = r.end < 0 ? 28 + r.end : r.end;
  if (check_begin > check_end) {
    throw TimeIntervalError("end day " + std::to_string(r.end) + " is always before start day " + std::to_string(r.begin));
  }
  return r;
}

InclusiveRange parse_month_range(std::string_view text) {
  const InclusiveRange r = parse_range(text, [](const std::string& s) {
    const auto it = std::find(kMonths.begin(), kMonths.end(), s);
    if (it != kMonths.end()) return static_cast<int>(it - kMonths.begin()) + 1;
    try {
      return atoi_go(s);
    } catch (const TimeIntervalError&) {
      throw TimeIntervalError(s + " is not a valid month");
    }
  });
  if (r.begin > r.end) {
    const auto name = [](int m) { return m >= 1 && m <= 12 ? std::string(kMonths[static_cast<std::size_t>(m - 1)]) : std::string(); };
    throw TimeIntervalError("end month " + name(r.end) + " is before start month " + name(r.begin));
  }
  return r;
}

InclusiveRange parse_year_range(std::string_view text) {
  const InclusiveRange r = parse_range(text, atoi_go);
  if (r.begin > r.end) {
    throw TimeIntervalError("end year " + std::to_string(r.end) + " is before start year " + std::to_string(r.begin));
  }
  return r;
}

}  // namespace twikit::notify
