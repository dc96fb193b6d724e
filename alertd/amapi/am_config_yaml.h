#pragma once
// The notification config as an Alertmanager configuration file: what GET /api/v2/status reports as
// config.original (amtool `config show`, Grafana's Alertmanager data source). Secrets are written as
// "<secret>", as Alertmanager writes them.

#include <string>

#include "alertd/notify/config.h"

namespace twikit::amapi {

/// `route` (matchers, continue, group_by, timings; a child's receiver, group_by and timings only where they
/// differ from its parent's; mute and active time interval names), `inhibit_rules`, `time_intervals` and
/// `receivers` with their webhook, Slack and email
/// integrations in Alertmanager's YAML. alertd's own integrations (system log, Alertmanager forwarding) and
/// escalation policies have no Alertmanager equivalent and are left out; a receiver keeps its name.
std::string alertmanager_config_yaml(const notify::NotificationConfig& config);

}  // namespace twikit::amapi
