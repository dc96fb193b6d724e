#pragma once
// Label sets as Prometheus models them: name/value pairs kept sorted by name, names unique.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twikit {

/// One label: name and value.
using Label = std::pair<std::string, std::string>;

/// A label set sorted by name with unique names; construct through make_labels() to keep that invariant.
using Labels = std::vector<Label>;

/// Sorts `labels` by name; on duplicate names the last one given wins.
Labels make_labels(std::vector<Label> labels);

/// The value of label `name`, or an empty string when absent (Prometheus treats both alike).
const std::string& label_value(const Labels& labels, const std::string& name);

/// Sets (or replaces) label `name`; an empty `value` removes the label, as in Prometheus.
void set_label(Labels& labels, const std::string& name, std::string value);

/// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool is_valid_metric_name(std::string_view name);

/// Whether `name` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*).
bool is_valid_label_name(std::string_view name);

/// Renders `{a="1", b="2"}` with Prometheus' escaping, for logs and error messages.
std::string labels_to_string(const Labels& labels);

}  // namespace twikit
