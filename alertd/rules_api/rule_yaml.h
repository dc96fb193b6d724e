#pragma once
// Rule groups written back as Prometheus rule-file YAML (what `promtool check rules` reads).

#include <string>
#include <vector>

#include "alertd/rules/rule_file.h"

namespace twikit::rules_api {

/// The rule file holding `groups`, every string double-quoted: group fields (interval, query_offset, limit,
/// labels) and rule fields (alert/record, expr, for, keep_firing_for, labels, annotations) that are set.
std::string render_rule_file(const std::vector<rules::GroupSpec>& groups);

/// One rule's YAML mapping as render_rule_file writes it (for ETags and comparisons).
std::string render_rule(const rules::RuleSpec& rule);

}  // namespace twikit::rules_api
