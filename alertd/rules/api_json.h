#pragma once
// Bodies of Prometheus' GET /api/v1/rules and GET /api/v1/alerts, in Prometheus' exact JSON shapes.

#include <string>
#include <vector>

#include "alertd/rules/snapshot.h"

namespace twikit::rules {

/// Query parameters of /api/v1/rules that narrow the answer.
struct RulesFilter {
  std::string type;                      ///< "alert", "record" or empty for both.
  std::vector<std::string> rule_names;   ///< `rule_name[]`: only these rules (empty = all).
  std::vector<std::string> group_names;  ///< `rule_group[]`: only these groups (empty = all).
  std::vector<std::string> files;        ///< `file[]`: only these files (empty = all).
  bool exclude_alerts = false;           ///< `exclude_alerts=true`: omit alerts of alerting rules.
};

/// RFC 3339 with the fraction trimmed as Go's time.Time marshals it ("2024-01-01T00:00:00.5Z");
/// 0 gives Go's zero time "0001-01-01T00:00:00Z".
std::string rfc3339(TimestampMs t);

/// A float as Go's strconv.FormatFloat(v, 'e', -1, 64), the alert `value` field ("1e+00").
std::string format_value_e(double v);

/// The body of GET /api/v1/rules: {"status":"success","data":{"groups":[...]}}.
std::string rules_response_json(const std::vector<GroupSnapshot>& groups, const RulesFilter& filter = {});

/// The body of GET /api/v1/alerts: {"status":"success","data":{"alerts":[...]}}; resolved
/// (inactive) alerts are left out as Prometheus does.
std::string alerts_response_json(const std::vector<Alert>& alerts);

}  // namespace twikit::rules
