#pragma once
// The two forms a rule travels in over the API: the seed's (name, metric, condition, threshold, severity,
// duration, enabled, tags, channels) and Prometheus' (group, alert, expr, for, keep_firing_for, labels,
// annotations). Both become a rules::RuleSpec; a stored rule is answered in both.

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "alertd/config/kpi_table.h"
#include "alertd/rules/rule_file.h"

namespace twikit::rules_api {

/// The group rules without one are put in.
inline constexpr const char* kDefaultGroup = "api";

/// The label that carries the seed form's `tags` ("db,payments"; comma-joined in the order given).
inline constexpr const char* kTagsLabel = "tags";
/// The label that carries the seed form's `channels` ("slack,email"), which the routing tree matches.
inline constexpr const char* kChannelsLabel = "channels";

/// A request body turned into a rule to store.
struct RuleInput {
  std::string group = kDefaultGroup;  ///< The group it goes into.
  rules::RuleSpec rule;               ///< The alerting rule, as it will be written.
  bool enabled = true;                ///< False: stored but not evaluated.
  std::string by;                     ///< The body's `by` field (who made the change), empty when absent.
};

/// Why a body is not a rule: a message, and the field at fault when one is.
struct FormError {
  std::string message;  ///< e.g. "condition must be one of gt, gte, lt, lte, eq, ne".
  std::string field;    ///< e.g. "condition"; empty when no single field is at fault.
};

/// Reads a JSON object in either form: Prometheus' when it has `alert` or `expr`, else the seed's.
/// `metric` of the seed form may be a metric name or a KPI key of `kpis`. Only the shape is checked here;
/// the rule itself is validated as `alertd check rules` does when its file is rendered.
std::variant<RuleInput, FormError> parse_rule_body(const nlohmann::json& body, const config::KpiTable& kpis);

/// The rule in Prometheus' form: {"group","alert","expr","for","keep_firing_for","labels","annotations"}.
nlohmann::ordered_json prometheus_form(const std::string& group, const rules::RuleSpec& rule);

/// The rule in the seed's form; `metric`, `condition` and `threshold` are null when the expression is not
/// `<metric> <op> <number>` (or `<kpi metric> * <scale> <op> <number>` for a scaled KPI).
nlohmann::ordered_json seed_form(const std::string& group, const rules::RuleSpec& rule, bool enabled,
                                 const config::KpiTable& kpis);

}  // namespace twikit::rules_api
