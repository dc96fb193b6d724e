#include "alertd/rules/humanize.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <stdexcept>

#include "alertd/rules/go_format.h"

namespace twikit::rules {

std::string format_4g(double v) {
  return go_format_float_spec("%.4g", v);
}

std::string humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return format_4g(v);
  if (std::fabs(v) >= 1) {
    std::string prefix;
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return format_4g(v) + prefix;
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return format_4g(v) + prefix;
}

std::string humanize_1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return format_4g(v);
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return format_4g(v) + prefix;
}

std::string humanize_duration(double v) {
  if (std::isnan(v) || std::isinf(v)) return format_4g(v);
  if (v == 0) return format_4g(v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    // Go's int64(v) for a value past int64 gives what amd64's conversion gives, the minimum int64; a C++
    // cast of such a value is undefined.
    const std::int64_t duration = v < 9223372036854775808.0 ? static_cast<std::int64_t>(v)
                                                            : std::numeric_limits<std::int64_t>::min();
    const std::int64_t seconds = duration % 60;
    const std::int64_t minutes = (duration / 60) % 60;
    const std::int64_t hours = (duration / 60 / 60) % 24;
    const std::int64_t days = duration / 60 / 60 / 24;
    auto s = [](std::int64_t n) { return std::to_string(n); };
    if (days != 0) return sign + s(days) + "d " + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s";
    if (hours != 0) return sign + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s";
    if (minutes != 0) return sign + s(minutes) + "m " + s(seconds) + "s";
    return sign + format_4g(v) + "s";
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return format_4g(v) + prefix + "s";
}

std::string humanize_percentage(double ratio) {
  return format_4g(ratio * 100) + "%";
}

std::string humanize_timestamp(double v) {
  if (std::isnan(v) || std::isinf(v)) return format_4g(v);
  // Prometheus: model.TimeFromUnixNano(int64(v*1e9)) (millisecond precision), printed as a UTC
  // time.Time with Go's default layout (fraction without trailing zeros).
  const double ns = v * 1e9;
  if (ns >= 9.223372036854775807e18 || ns <= -9.223372036854775808e18) {
    throw std::runtime_error(go_format_float(v) +
                             " cannot be represented as a nanoseconds timestamp since it overflows int64");
  }
  const std::int64_t ms = static_cast<std::int64_t>(ns) / 1'000'000;
  std::int64_t secs = ms / 1000;
  std::int64_t nanos = (ms % 1000) * 1'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    secs -= 1;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + " +0000 UTC";
}

}  // namespace twikit::rules
