#include "alertd/rules/alert_template.h"

#include <atomic>

#include "alertd/rules/template.h"

namespace twikit::rules {

namespace {

// Prometheus prepends these definitions to every alert template (no newline: lines stay the same).
const char* const kDefs =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}"
    "{{$value := .Value}}";

std::atomic<std::uint64_t> g_expansions{0};
std::atomic<std::uint64_t> g_expansion_failures{0};

std::string expansion_error(const std::string& err) {
  g_expansion_failures.fetch_add(1, std::memory_order_relaxed);
  return "<error expanding template: " + err + ">";
}

TemplateValue to_map(const Labels& labels) {
  TemplateValue::Map m;
  for (const auto& [k, v] : labels) m.emplace(k, TemplateValue(v));
  return TemplateValue(std::move(m));
}

}  // namespace

std::optional<std::string> check_alert_template(const std::string& alert_name, const std::string& text) {
  try {
    Template::parse("__alert_" + alert_name, kDefs + text);
  } catch (const TemplateError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

AlertTemplate::AlertTemplate(const std::string& alert_name, std::string text)
    : name_("__alert_" + alert_name), text_(std::move(text)) {
  // Text without actions needs no engine (the common case for static annotations).
  if (text_.find("{{") == std::string::npos) return;
  try {
    parsed_ = std::make_shared<const Template>(Template::parse(name_, kDefs + text_));
  } catch (const TemplateError& e) {
    parse_error_ = e.what();
  }
}

std::string AlertTemplate::expand(const AlertTemplateData& data) const {
  if (!parse_error_.empty()) {
    g_expansions.fetch_add(1, std::memory_order_relaxed);
    return expansion_error("error parsing template " + name_ + ": " + parse_error_);
  }
  if (!parsed_) return text_;
  g_expansions.fetch_add(1, std::memory_order_relaxed);
  TemplateValue::Map root;
  root.emplace("Labels", to_map(data.labels));
  root.emplace("ExternalLabels", to_map(data.external_labels));
  root.emplace("ExternalURL", TemplateValue(data.external_url));
  root.emplace("Value", TemplateValue(data.value));
  // Whatever goes wrong, the alert still fires with the error in place of the text, as in Prometheus
  // (which also recovers from panics here).
  try {
    return parsed_->execute(TemplateValue(std::move(root)));
  } catch (const TemplateError& e) {
    return expansion_error("error executing template " + name_ + ": " + e.what());
  } catch (const std::exception& e) {
    return expansion_error("panic expanding template " + name_ + ": " + e.what());
  }
}

TemplateExpansionCounts template_expansion_counts() {
  return {g_expansions.load(std::memory_order_relaxed), g_expansion_failures.load(std::memory_order_relaxed)};
}

std::string expand_alert_template(const std::string& alert_name, const std::string& text,
                                  const AlertTemplateData& data) {
  return AlertTemplate(alert_name, text).expand(data);
}

}  // namespace twikit::rules
