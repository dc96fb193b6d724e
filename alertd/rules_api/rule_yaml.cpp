#include "alertd/rules_api/rule_yaml.h"

#include "alertd/rules/go_format.h"
#include "common/duration.h"

namespace twikit::rules_api {
namespace {

/// A YAML double-quoted scalar: Go's quoting (backslash, quote and control characters escaped, UTF-8
/// kept) is valid YAML.
std::string quoted(const std::string& s) { return rules::go_quote(s); }

void write_labels(std::string& out, const char* key, const Labels& labels, const std::string& indent) {
  if (labels.empty()) return;
  out += indent + key + ":\n";
  for (const auto& [name, value] : labels) out += indent + "  " + quoted(name) + ": " + quoted(value) + "\n";
}

/// The rule's fields, the first line prefixed with `first` and the rest with `indent`.
void write_rule(std::string& out, const rules::RuleSpec& r, const std::string& first, const std::string& indent) {
  if (r.is_alert()) {
    out += first + "alert: " + quoted(r.alert) + "\n";
  } else {
    out += first + "record: " + quoted(r.record) + "\n";
  }
  out += indent + "expr: " + quoted(r.expr) + "\n";
  if (r.for_ms > 0) out += indent + "for: " + format_duration_ms(r.for_ms) + "\n";
  if (r.keep_firing_for_ms > 0) out += indent + "keep_firing_for: " + format_duration_ms(r.keep_firing_for_ms) + "\n";
  write_labels(out, "labels", r.labels, indent);
  write_labels(out, "annotations", r.annotations, indent);
}

}  // namespace

std::string render_rule_file(const std::vector<rules::GroupSpec>& groups) {
  std::string out = "# Written by alertd's rules API (/api/monitoring/alert-rules). Edits by hand are kept, comments are not.\n";
  if (groups.empty()) return out + "groups: []\n";
  out += "groups:\n";
  for (const auto& g : groups) {
    out += "  - name: " + quoted(g.name) + "\n";
    if (g.interval_ms > 0) out += "    interval: " + format_duration_ms(g.interval_ms) + "\n";
    if (g.query_offset_ms > 0) out += "    query_offset: " + format_duration_ms(g.query_offset_ms) + "\n";
    if (g.limit > 0) out += "    limit: " + std::to_string(g.limit) + "\n";
    write_labels(out, "labels", g.labels, "    ");
    if (g.rules.empty()) {
      out += "    rules: []\n";
      continue;
    }
    out += "    rules:\n";
    for (const auto& r : g.rules) write_rule(out, r, "      - ", "        ");
  }
  return out;
}

std::string render_rule(const rules::RuleSpec& rule) {
  std::string out;
  write_rule(out, rule, "", "");
  return out;
}

}  // namespace twikit::rules_api
