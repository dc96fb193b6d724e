// Fuzzes the alert template engine (alertd/rules/template_*, alert_template) the way rules use it: the
// input is an annotation template, checked as at load time and expanded with an alert's labels, value,
// external labels and URL. An error text ("<error expanding template: ...>") is a legitimate answer; the
// expansion functions catch template errors themselves, so any exception, crash, hang or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "alertd/rules/alert_template.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)twikit::rules::check_alert_template("FuzzAlert", text);
  twikit::rules::AlertTemplateData alert;
  alert.labels = twikit::make_labels({{"alertname", "FuzzAlert"}, {"instance", "10.0.0.1:9877"},
                                      {"job", "twikit"}, {"service", "proxy_rotation"}, {"severity", "warning"}});
  alert.external_labels = twikit::make_labels({{"cluster", "eu-1"}});
  alert.external_url = "http://alertd.example:9878";
  alert.value = 0.4213;
  (void)twikit::rules::expand_alert_template("FuzzAlert", text, alert);
  const twikit::rules::AlertTemplate parsed("FuzzAlert", text);
  alert.value = -1e-300;
  (void)parsed.expand(alert);
  return 0;
}
