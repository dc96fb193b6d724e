#include "alertd/notify/template_render.h"

#include <mutex>

#include "alertd/notify/default_templates.h"
#include "alertd/notify/template_model.h"
#include "common/logging.h"

namespace twikit::notify {

namespace {
std::mutex g_failures_mu;
std::map<std::string, std::uint64_t> g_failures;
}  // namespace

NotificationTemplater::NotificationTemplater(std::shared_ptr<const rules::TemplateSet> set, const Notification& n,
                                             std::string integration)
    : set_(set ? std::move(set) : default_template_set()),
      n_(n),
      integration_(std::move(integration)),
      data_(notification_template_data(n)) {}

std::string NotificationTemplater::text(const std::string& field, const std::string& source) {
  return render(field, source, false);
}

std::string NotificationTemplater::html(const std::string& field, const std::string& source) {
  return render(field, source, true);
}

std::string NotificationTemplater::render(const std::string& field, const std::string& source, bool html) {
  if (source.find("{{") == std::string::npos) return source;
  try {
    rules::ExecuteOptions options;
    options.escape_html = html;
    return set_->parse(field, source).execute(data_, options);
  } catch (const std::exception& e) {
    ++failures_;
    {
      const std::lock_guard<std::mutex> lock(g_failures_mu);
      ++g_failures[integration_];
    }
    logger("notify")->error("msg=\"notification template failed, sending the error in its place\" integration={} "
                            "receiver={} field={} group_key={} err={}",
                            integration_, n_.receiver, field, n_.group_key, e.what());
    return std::string("<error expanding template: ") + e.what() + ">";
  }
}

std::map<std::string, std::uint64_t> template_failure_counts() {
  const std::lock_guard<std::mutex> lock(g_failures_mu);
  return g_failures;
}

}  // namespace twikit::notify
