#pragma once
// Which alerts, groups and silences a request selects, and in what order, with Alertmanager 0.25's rules:
// `filter` matchers (repeatable, one matcher each), the active/silenced/inhibited/unprocessed switches and the
// `receiver` regex of GET /api/v2/alerts and /alerts/groups, and the `filter` of GET /api/v2/silences.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "alertd/amapi/am_json.h"
#include "alertd/notify/matcher.h"
#include "alertd/silence/silences.h"
#include "common/regex.h"
#include "common/web_message.h"

namespace twikit::amapi {

/// The selection a GET /api/v2/alerts or /alerts/groups request asks for.
struct AlertFilter {
  notify::Matchers matchers;     ///< Every `filter` parameter, one matcher each.
  std::optional<Regex> receiver; ///< `receiver`, anchored as ^(?:…)$; unset selects every receiver.
  bool active = true;            ///< Include alerts neither silenced nor inhibited.
  bool silenced = true;          ///< Include silenced alerts.
  bool inhibited = true;         ///< Include inhibited alerts.
  bool unprocessed = true;       ///< Include unprocessed alerts (alertd has none; accepted, as 0.25 does).
};

/// Reads the `filter` parameters (each one matcher in Alertmanager's syntax, `name=value`, `name=~"re"`, …);
/// the error text is the one the API answers with 400.
std::variant<notify::Matchers, std::string> parse_filter(const WebParams& params);

/// Reads `filter`, `receiver`, `active`, `silenced`, `inhibited` and `unprocessed` (booleans as go-swagger
/// reads them: true/false/1/0/yes/no/on/off/y/n); the error text is the one the API answers with 400.
std::variant<AlertFilter, std::string> parse_alert_filter(const WebParams& params);

/// Alertmanager's matchFilterLabels: every matcher matches the label set, except that `name=""` and
/// `name=~""` also pass when the label is absent and `name!=""` and `name!~""` when it is present.
bool filter_matches(const notify::Matchers& filter, const Labels& labels);

/// Whether the alert passes the filter's state switches and matchers (not its receiver regex).
bool alert_selected(const AlertFilter& filter, const AlertView& alert);

/// Whether some receiver name fully matches the filter's receiver regex (true when the filter has none).
bool receiver_selected(const AlertFilter& filter, const std::vector<std::string>& receivers);

/// Alertmanager's CheckSilenceMatchesFilterLabels: every filter matcher equals (name, operator and value)
/// some matcher of the silence.
bool silence_selected(const notify::Matchers& filter, const silence::Silence& s);

/// Alertmanager's SortSilences: active first (soonest end first), then pending (soonest start first), then
/// expired (latest end first).
void sort_silences(std::vector<silence::Silence>& silences, TimestampMs now);

}  // namespace twikit::amapi
