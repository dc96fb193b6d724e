#include "alertd/notify/system_log.h"

#include <set>

#include "alertd/notify/template_data.h"
#include "common/logging.h"

namespace twikit::notify {

std::string system_log_line(const Notification& n) {
  const TemplateData d = template_data(n);
  std::set<std::string> names;
  std::string fps;
  for (const auto& a : n.alerts) {
    names.insert(label_value(a.labels, "alertname"));
    if (!fps.empty()) fps += ',';
    fps += fingerprint_hex(fingerprint(a));
  }
  std::string alertnames;
  for (const auto& name : names) {
    if (!alertnames.empty()) alertnames += ',';
    alertnames += name;
  }
  return "msg=notification receiver=" + logfmt_value(n.receiver) + " status=" + d.status +
         " group_key=" + logfmt_value(n.group_key) + " firing=" + std::to_string(d.firing) +
         " resolved=" + std::to_string(d.resolved) + " alertnames=" + logfmt_value(alertnames) +
         " fingerprints=" + fps;
}

DeliveryResult SystemLogNotifier::notify(const Notification& n) {
  const std::string line = system_log_line(n);
  auto log = logger("notify");
  if (template_data(n).status == "firing") log->warn("{}", line);
  else log->info("{}", line);
  return DeliveryResult::ok();
}

}  // namespace twikit::notify
