#pragma once
// The `kpis:` section of alertd.yaml: overrides and extensions of the embedded KPI table.

#include <string>

#include <yaml-cpp/yaml.h>

#include "alertd/config/kpi_table.h"

namespace twikit::config {

/// Applies the `kpis:` mapping `node` (absent or null = no change) from `file` to `base` and returns the
/// result. Each entry is `<group>.<field>: {metric, kind, scale, unit, platform, state_label}`: for a key of
/// `base` the given fields replace its own, a new key is appended (its `metric` required; kind defaults to
/// counter for names ending in `_total`, else gauge; scale 1, unit count, platform sum), and `null` removes
/// a row. Throws twikit::ConfigError "file:line:col: message" on a malformed key, an unknown field, a bad
/// value, or two keys reading the same metric.
KpiTable load_kpis(const std::string& file, const YAML::Node& node, const KpiTable& base);

}  // namespace twikit::config
