#include "alertd/notify/time_interval_yaml.h"

#include <set>

namespace twikit::notify {
namespace {

// Each entry of a list such as `weekdays`, read by `parse`, failing at the entry.
template <typename Parse>
std::vector<InclusiveRange> ranges(const yaml::Reader& r, const YAML::Node& list, Parse parse) {
  std::vector<InclusiveRange> out;
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) r.fail(list, "expected a list of strings");
  for (const auto& item : list) {
    try {
      out.push_back(parse(r.str(item)));
    } catch (const TimeIntervalError& e) {
      r.fail(item, e.what());
    }
  }
  return out;
}

TimeInterval load_interval(const yaml::Reader& r, const YAML::Node& n) {
  if (!n.IsMap()) r.fail(n, "a time interval must be a mapping");
  r.check_keys(n, {"times", "weekdays", "days_of_month", "months", "years", "location"}, "time interval");
  TimeInterval ti;
  const YAML::Node times = n["times"];
  if (times.IsDefined() && !times.IsNull()) {
    if (!times.IsSequence()) r.fail(times, "times must be a list");
    for (const auto& t : times) {
      if (!t.IsMap()) r.fail(t, "a time range must be a mapping with start_time and end_time");
      r.check_keys(t, {"start_time", "end_time"}, "time range");
      const std::string start = t["start_time"] ? r.str(t["start_time"]) : "";
      const std::string end = t["end_time"] ? r.str(t["end_time"]) : "";
      if (start.empty() || end.empty()) r.fail(t, "both start and end times must be provided");
      MinuteRange range;
      try {
        range.start_minute = parse_time_of_day(start);
      } catch (const TimeIntervalError& e) {
        r.fail(t["start_time"], e.what());
      }
      try {
        range.end_minute = parse_time_of_day(end);
      } catch (const TimeIntervalError& e) {
        r.fail(t["end_time"], e.what());
      }
      if (range.start_minute >= range.end_minute) r.fail(t, "start time cannot be equal or greater than end time");
      ti.times.push_back(range);
    }
  }
  ti.weekdays = ranges(r, n["weekdays"], parse_weekday_range);
  ti.days_of_month = ranges(r, n["days_of_month"], parse_day_of_month_range);
  ti.months = ranges(r, n["months"], parse_month_range);
  ti.years = ranges(r, n["years"], parse_year_range);
  if (n["location"] && !n["location"].IsNull()) {
    try {
      ti.location = TimeZone::load(r.str(n["location"]));
    } catch (const TimeIntervalError& e) {
      r.fail(n["location"], e.what());
    }
  }
  return ti;
}

void load_section(const yaml::Reader& r, const YAML::Node& section, const std::string& what, TimeIntervals& out) {
  if (!section.IsDefined() || section.IsNull()) return;
  if (!section.IsSequence()) r.fail(section, what + "s must be a list");
  for (const auto& entry : section) {
    if (!entry.IsMap()) r.fail(entry, "a " + what + " must be a mapping with name and time_intervals");
    r.check_keys(entry, {"name", "time_intervals"}, what);
    const std::string name = entry["name"] ? r.str(entry["name"]) : "";
    if (name.empty()) r.fail(entry, "missing name in " + what);
    if (out.count(name)) r.fail(entry["name"], what + " \"" + name + "\" is not unique");
    std::vector<TimeInterval> intervals;
    const YAML::Node list = entry["time_intervals"];
    if (list.IsDefined() && !list.IsNull()) {
      if (!list.IsSequence()) r.fail(list, "time_intervals must be a list");
      for (const auto& item : list) intervals.push_back(load_interval(r, item));
    }
    out.emplace(name, std::move(intervals));
  }
}

}  // namespace

TimeIntervals load_time_intervals(const yaml::Reader& r, const YAML::Node& time_intervals,
                                  const YAML::Node& mute_time_intervals) {
  TimeIntervals out;
  // Alertmanager reads the older section first, so a name repeated in the newer one is the one reported.
  load_section(r, mute_time_intervals, "mute time interval", out);
  load_section(r, time_intervals, "time interval", out);
  return out;
}

}  // namespace twikit::notify
