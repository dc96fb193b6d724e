#pragma once
// Alertmanager's default notification templates under Alertmanager's names (`__subject`,
// `slack.default.title`, `email.default.html`, ...), alertd's own text, embedded in the binary.

#include <memory>
#include <string>
#include <vector>

#include "alertd/rules/template_set.h"

namespace twikit::notify {

/// The text of the default templates (parsed as the file "default.tmpl").
const std::string& default_templates_text();

/// The default templates alone; parsed once, shared.
std::shared_ptr<const rules::TemplateSet> default_template_set();

/// The defaults, then each file in order (later definitions replace earlier ones, as Alertmanager's
/// ParseGlob does). Files are read now; throws rules::TemplateError naming the file on a parse error and
/// std::runtime_error when a file cannot be read.
std::shared_ptr<const rules::TemplateSet> load_template_set(const std::vector<std::string>& files);

}  // namespace twikit::notify
