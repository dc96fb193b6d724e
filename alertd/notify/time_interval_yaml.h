#pragma once
// Reads Alertmanager's `time_intervals:` and `mute_time_intervals:` sections, with `file:line:col` errors.

#include <yaml-cpp/yaml.h>

#include "alertd/notify/config_yaml.h"
#include "alertd/notify/time_interval.h"

namespace twikit::notify {

/// The named intervals of both sections (`mute_time_intervals` is the older spelling of the same thing);
/// fails at the offending node on a missing or repeated name, an unknown key, or a value Alertmanager
/// refuses (with its words, e.g. "start day cannot be before end day").
TimeIntervals load_time_intervals(const yaml::Reader& r, const YAML::Node& time_intervals,
                                  const YAML::Node& mute_time_intervals);

}  // namespace twikit::notify
