#include "alertd/notify/go_time_format.h"

#include <ctime>

namespace twikit::notify {

namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;
// Seconds from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar (Go's zero time).
constexpr std::int64_t kZeroTimeUnix = -62'135'596'800;

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0); }

// Civil date of a day count since 1970-01-01 (proleptic Gregorian, 400-year eras).
struct Civil {
  std::int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

Civil civil_from_days(std::int64_t days) {
  days += 719'468;  // shift the epoch to 0000-03-01
  const std::int64_t era = floor_div(days, 146'097);
  const std::int64_t doe = days - era * 146'097;                                  // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365; // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               // [0, 365], from March 1
  const std::int64_t mp = (5 * doy + 2) / 153;                                    // [0, 11], March = 0
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(year, 400);
  const std::int64_t yoe = year - era * 400;
  const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + doe - 719'468;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Go's appendInt: a minus sign, then at least `width` digits.
void append_int(std::string& out, std::int64_t x, int width) {
  std::string digits;
  const bool negative = x < 0;
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x);
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + u % 10));
    u /= 10;
  } while (u != 0);
  if (negative) out += '-';
  for (int w = static_cast<int>(digits.size()); w < width; ++w) out += '0';
  out += digits;
}

enum class Std {
  none, long_month, month, num_month, zero_month, long_weekday, weekday, day, under_day, zero_day, under_yearday,
  zero_yearday, hour, hour12, zero_hour12, minute, zero_minute, second, zero_second, long_year, year, pm_upper,
  pm_lower, tz, iso_tz, iso_colon_tz, iso_seconds_tz, iso_short_tz, iso_colon_seconds_tz, num_tz, num_colon_tz,
  num_seconds_tz, num_short_tz, num_colon_seconds_tz, frac0, frac9
};

struct Chunk {
  std::size_t prefix_len = 0;  // literal text before the element
  Std std = Std::none;
  std::size_t std_len = 0;     // how much of the layout the element takes
  int frac_digits = 0;
  char frac_separator = '.';
};

bool starts_lower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool has(std::string_view s, std::size_t i, std::string_view what) { return s.substr(i, what.size()) == what; }

// The first layout element in `l`, as Go's nextStdChunk finds it.
Chunk next_chunk(std::string_view l) {
  auto at = [](std::size_t i, Std s, std::size_t n) { return Chunk{i, s, n, 0, '.'}; };
  for (std::size_t i = 0; i < l.size(); ++i) {
    const char c = l[i];
    switch (c) {
      case 'J':
        if (has(l, i, "Jan")) {
          if (has(l, i, "January")) return at(i, Std::long_month, 7);
          if (!starts_lower(l.substr(i + 3))) return at(i, Std::month, 3);
        }
        break;
      case 'M':
        if (has(l, i, "Mon")) {
          if (has(l, i, "Monday")) return at(i, Std::long_weekday, 6);
          if (!starts_lower(l.substr(i + 3))) return at(i, Std::weekday, 3);
        }
        if (has(l, i, "MST")) return at(i, Std::tz, 3);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static constexpr Std zero[] = {Std::zero_month, Std::zero_day, Std::zero_hour12,
                                         Std::zero_minute, Std::zero_second, Std::year};
          return at(i, zero[l[i + 1] - '1'], 2);
        }
        if (has(l, i, "002")) return at(i, Std::zero_yearday, 3);
        break;
      case '1':
        if (has(l, i, "15")) return at(i, Std::hour, 2);
        return at(i, Std::num_month, 1);
      case '2':
        if (has(l, i, "2006")) return at(i, Std::long_year, 4);
        return at(i, Std::day, 1);
      case '_':
        if (has(l, i, "_2")) {
          if (has(l, i, "_2006")) return at(i + 1, Std::long_year, 4);  // a literal '_', then the year
          return at(i, Std::under_day, 2);
        }
        if (has(l, i, "__2")) return at(i, Std::under_yearday, 3);
        break;
      case '3': return at(i, Std::hour12, 1);
      case '4': return at(i, Std::minute, 1);
      case '5': return at(i, Std::second, 1);
      case 'P':
        if (has(l, i, "PM")) return at(i, Std::pm_upper, 2);
        break;
      case 'p':
        if (has(l, i, "pm")) return at(i, Std::pm_lower, 2);
        break;
      case '-':
        if (has(l, i, "-070000")) return at(i, Std::num_seconds_tz, 7);
        if (has(l, i, "-07:00:00")) return at(i, Std::num_colon_seconds_tz, 9);
        if (has(l, i, "-0700")) return at(i, Std::num_tz, 5);
        if (has(l, i, "-07:00")) return at(i, Std::num_colon_tz, 6);
        if (has(l, i, "-07")) return at(i, Std::num_short_tz, 3);
        break;
      case 'Z':
        if (has(l, i, "Z070000")) return at(i, Std::iso_seconds_tz, 7);
        if (has(l, i, "Z07:00:00")) return at(i, Std::iso_colon_seconds_tz, 9);
        if (has(l, i, "Z0700")) return at(i, Std::iso_tz, 5);
        if (has(l, i, "Z07:00")) return at(i, Std::iso_colon_tz, 6);
        if (has(l, i, "Z07")) return at(i, Std::iso_short_tz, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          const char digit = l[i + 1];
          std::size_t j = i + 1;
          while (j < l.size() && l[j] == digit) ++j;
          // Only a run of one digit that no other digit follows is a fractional second.
          if (!(j < l.size() && l[j] >= '0' && l[j] <= '9')) {
            return Chunk{i, digit == '0' ? Std::frac0 : Std::frac9, j - i, static_cast<int>(j - i - 1), c};
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{l.size(), Std::none, 0, 0, '.'};
}

void append_offset(std::string& out, Std std, std::int32_t offset) {
  const bool iso = std == Std::iso_tz || std == Std::iso_colon_tz || std == Std::iso_seconds_tz ||
                   std == Std::iso_short_tz || std == Std::iso_colon_seconds_tz;
  if (iso && offset == 0) {
    out += 'Z';
    return;
  }
  std::int32_t minutes = offset / 60;
  std::int32_t abs_offset = offset;
  if (minutes < 0) {
    out += '-';
    minutes = -minutes;
    abs_offset = -abs_offset;
  } else {
    out += '+';
  }
  append_int(out, minutes / 60, 2);
  const bool colon = std == Std::iso_colon_tz || std == Std::num_colon_tz || std == Std::iso_colon_seconds_tz ||
                     std == Std::num_colon_seconds_tz;
  if (colon) out += ':';
  if (std != Std::num_short_tz && std != Std::iso_short_tz) append_int(out, minutes % 60, 2);
  if (std == Std::iso_seconds_tz || std == Std::num_seconds_tz || std == Std::iso_colon_seconds_tz ||
      std == Std::num_colon_seconds_tz) {
    if (colon) out += ':';
    append_int(out, abs_offset % 60, 2);
  }
}

void append_fraction(std::string& out, std::int32_t nanos, const Chunk& c) {
  char digits[9];
  std::int32_t u = nanos;
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + u % 10);
    u /= 10;
  }
  int n = c.frac_digits > 9 ? 9 : c.frac_digits;
  if (c.std == Std::frac9) {
    while (n > 0 && digits[n - 1] == '0') --n;
    if (n == 0) return;
  }
  out += c.frac_separator;
  out.append(digits, static_cast<std::size_t>(n));
}

}  // namespace

GoTime go_time_from_ms(std::int64_t ms) {
  GoTime t;
  if (ms == 0) {
    t.unix_seconds = kZeroTimeUnix;
    return t;
  }
  t.unix_seconds = floor_div(ms, 1000);
  t.nanos = static_cast<std::int32_t>((ms - t.unix_seconds * 1000) * 1'000'000);
  return t;
}

GoTime go_time_local(const GoTime& t) {
  GoTime local = t;
  const auto secs = static_cast<std::time_t>(t.unix_seconds);
  std::tm tm{};
  if (localtime_r(&secs, &tm) == nullptr) return t;
  local.offset_seconds = static_cast<std::int32_t>(tm.tm_gmtoff);
  local.zone = tm.tm_zone != nullptr ? tm.tm_zone : "";
  return local;
}

std::string go_time_format(const GoTime& t, std::string_view layout) {
  const std::int64_t local = t.unix_seconds + t.offset_seconds;
  const std::int64_t days = floor_div(local, kSecondsPerDay);
  const std::int64_t secs_of_day = local - days * kSecondsPerDay;
  const Civil date = civil_from_days(days);
  const int hour = static_cast<int>(secs_of_day / 3600);
  const int minute = static_cast<int>(secs_of_day / 60 % 60);
  const int second = static_cast<int>(secs_of_day % 60);
  const int weekday = static_cast<int>(days + 4 - floor_div(days + 4, 7) * 7);  // 1970-01-01 was a Thursday
  const std::int64_t yday = days - days_from_civil(date.year, 1, 1) + 1;
  std::string out;
  while (!layout.empty()) {
    const Chunk c = next_chunk(layout);
    out.append(layout.substr(0, c.prefix_len));
    if (c.std == Std::none) break;
    layout.remove_prefix(c.prefix_len + c.std_len);
    switch (c.std) {
      case Std::year: append_int(out, (date.year < 0 ? -date.year : date.year) % 100, 2); break;
      case Std::long_year: append_int(out, date.year, 4); break;
      case Std::month: out.append(kMonths[date.month - 1], 3); break;
      case Std::long_month: out += kMonths[date.month - 1]; break;
      case Std::num_month: append_int(out, date.month, 0); break;
      case Std::zero_month: append_int(out, date.month, 2); break;
      case Std::weekday: out.append(kWeekdays[weekday], 3); break;
      case Std::long_weekday: out += kWeekdays[weekday]; break;
      case Std::day: append_int(out, date.day, 0); break;
      case Std::under_day:
        if (date.day < 10) out += ' ';
        append_int(out, date.day, 0);
        break;
      case Std::zero_day: append_int(out, date.day, 2); break;
      case Std::under_yearday:
        if (yday < 100) out += yday < 10 ? "  " : " ";
        append_int(out, yday, 0);
        break;
      case Std::zero_yearday: append_int(out, yday, 3); break;
      case Std::hour: append_int(out, hour, 2); break;
      case Std::hour12: append_int(out, hour % 12 == 0 ? 12 : hour % 12, 0); break;
      case Std::zero_hour12: append_int(out, hour % 12 == 0 ? 12 : hour % 12, 2); break;
      case Std::minute: append_int(out, minute, 0); break;
      case Std::zero_minute: append_int(out, minute, 2); break;
      case Std::second: append_int(out, second, 0); break;
      case Std::zero_second: append_int(out, second, 2); break;
      case Std::pm_upper: out += hour >= 12 ? "PM" : "AM"; break;
      case Std::pm_lower: out += hour >= 12 ? "pm" : "am"; break;
      case Std::tz:
        if (!t.zone.empty()) {
          out += t.zone;
        } else {
          append_offset(out, Std::num_tz, t.offset_seconds);  // no name known: -0700, as Go writes it
        }
        break;
      case Std::frac0:
      case Std::frac9: append_fraction(out, t.nanos, c); break;
      default: append_offset(out, c.std, t.offset_seconds); break;
    }
  }
  return out;
}

std::string go_time_string(const GoTime& t) { return go_time_format(t, "2006-01-02 15:04:05.999999999 -0700 MST"); }

std::optional<GoTime> parse_go_time_string(std::string_view s) {
  // "YYYY-MM-DD hh:mm:ss[.fffffffff] ±hhmm ZONE", with a year of four digits or more.
  auto digits = [&](std::size_t pos, std::size_t n, std::int64_t& value) {
    if (pos + n > s.size()) return false;
    value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      value = value * 10 + (s[i] - '0');
    }
    return true;
  };
  const std::size_t dash = s.find('-');
  if (dash == std::string_view::npos || dash < 4) return std::nullopt;
  std::int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, oh = 0, om = 0;
  std::size_t p = dash;
  if (!digits(0, dash, year) || s.substr(p, 1) != "-" || !digits(p + 1, 2, month) || s.substr(p + 3, 1) != "-" ||
      !digits(p + 4, 2, day) || s.substr(p + 6, 1) != " " || !digits(p + 7, 2, hour) || s.substr(p + 9, 1) != ":" ||
      !digits(p + 10, 2, minute) || s.substr(p + 12, 1) != ":" || !digits(p + 13, 2, second)) {
    return std::nullopt;
  }
  p += 15;
  GoTime t;
  if (p < s.size() && s[p] == '.') {
    std::int64_t nanos = 0;
    int n = 0;
    for (++p; p < s.size() && s[p] >= '0' && s[p] <= '9' && n < 9; ++p, ++n) nanos = nanos * 10 + (s[p] - '0');
    if (n == 0) return std::nullopt;
    for (; n < 9; ++n) nanos *= 10;
    t.nanos = static_cast<std::int32_t>(nanos);
  }
  if (s.substr(p, 1) != " " || p + 6 > s.size() || (s[p + 1] != '+' && s[p + 1] != '-') || !digits(p + 2, 2, oh) ||
      !digits(p + 4, 2, om)) {
    return std::nullopt;
  }
  t.offset_seconds = static_cast<std::int32_t>((oh * 3600 + om * 60) * (s[p + 1] == '-' ? -1 : 1));
  p += 6;
  if (s.substr(p, 1) != " ") return std::nullopt;
  t.zone = std::string(s.substr(p + 1));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  if (month == 2 && day > (is_leap(year) ? 29 : 28)) return std::nullopt;
  t.unix_seconds = days_from_civil(year, static_cast<int>(month), static_cast<int>(day)) * kSecondsPerDay +
                   hour * 3600 + minute * 60 + second - t.offset_seconds;
  return t;
}

}  // namespace twikit::notify
