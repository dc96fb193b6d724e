#pragma once
// Alert templates the way Prometheus runs them: $labels, $externalLabels, $externalURL and $value
// predefined, missing labels read as "", expansion errors replace the text.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/labels.h"

namespace twikit::rules {

/// The data one alert template expansion sees.
struct AlertTemplateData {
  /// The alert's labels (`$labels`, `.Labels`).
  Labels labels;
  /// The external labels (`$externalLabels`, `.ExternalLabels`).
  Labels external_labels;
  /// The external URL (`$externalURL`, `.ExternalURL`).
  std::string external_url;
  /// The alert's value (`$value`, `.Value`).
  double value = 0;
};

class Template;

/// An alert template parsed once and expanded at every evaluation (alerting rules keep these).
/// Immutable after construction, so it may be expanded from several threads.
class AlertTemplate {
 public:
  /// Parses `text` for alert `alert_name`; a parse error is kept and reported by expand().
  AlertTemplate(const std::string& alert_name, std::string text);
  /// Expands the template; never throws: any error gives Prometheus' text,
  /// "<error expanding template: error executing template __alert_NAME: template: ...>".
  std::string expand(const AlertTemplateData& data) const;

 private:
  std::string name_;  // "__alert_<alertname>", as Go's errors name the template
  std::string text_;
  std::shared_ptr<const Template> parsed_;  // null for text without actions or on a parse error
  std::string parse_error_;
};

/// Parses an annotation or label template of alert `alert_name` as Prometheus does when loading
/// rules; returns Go's error text ("template: __alert_X:1: undefined variable \"$label\"") or nullopt.
std::optional<std::string> check_alert_template(const std::string& alert_name, const std::string& text);

/// Process-wide counts of alert template expansions (text without actions is not counted), for
/// `alertd_template_text_expansions_total` and `..._failures_total` like Prometheus' own pair.
struct TemplateExpansionCounts {
  std::uint64_t total = 0;     ///< Expansions attempted.
  std::uint64_t failures = 0;  ///< Expansions that gave "<error expanding template: ...>".
};

/// The counts so far. Thread-safe.
TemplateExpansionCounts template_expansion_counts();

/// Expands a template for alert `alert_name`; a parse or execution error gives
/// "<error expanding template: ...>", exactly as Prometheus does.
std::string expand_alert_template(const std::string& alert_name, const std::string& text,
                                  const AlertTemplateData& data);

}  // namespace twikit::rules
