#pragma once
// Go's time.Time as notification templates see it: `.StartsAt.Format "Mon Jan 2 15:04:05 MST 2006"`,
// `.Unix`, `.UTC`, `.Local`, and the String() form `{{ .StartsAt }}` prints.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twikit::notify {

/// An instant and the zone it is shown in, as Go's time.Time.
struct GoTime {
  std::int64_t unix_seconds = 0;   ///< Whole seconds since 1970-01-01 UTC (rounded down).
  std::int32_t nanos = 0;          ///< Nanoseconds within the second, 0 to 999,999,999.
  std::int32_t offset_seconds = 0; ///< Offset of the zone east of UTC.
  std::string zone = "UTC";        ///< The zone's abbreviation ("UTC", "CEST"); empty when unknown.
};

/// The UTC time of a millisecond timestamp; 0 is Go's zero time (0001-01-01 00:00:00 UTC), which alertd's
/// 0 ("not set") stands for.
GoTime go_time_from_ms(std::int64_t ms);

/// The same instant in the process's local zone (the TZ environment variable or /etc/localtime), as Go's Local().
GoTime go_time_local(const GoTime& t);

/// `t` formatted with Go's reference layout "Mon Jan 2 15:04:05 MST 2006" and every element Go 1.19 knows:
/// January/Jan/1/01, Monday/Mon, 2/_2/02, __2/002 (day of year), 15/3/03, 4/04, 5/05, 2006/06, PM/pm, MST,
/// -0700/-07:00/-07/-070000/-07:00:00 and their Z forms (Z for UTC), and fractional seconds .000/.999 (or with
/// a comma) when not followed by another digit; everything else is copied.
std::string go_time_format(const GoTime& t, std::string_view layout);

/// Go's t.String(): "2006-01-02 15:04:05.999999999 -0700 MST".
std::string go_time_string(const GoTime& t);

/// The reverse of go_time_string for what it writes; nullopt for anything else.
std::optional<GoTime> parse_go_time_string(std::string_view text);

}  // namespace twikit::notify
