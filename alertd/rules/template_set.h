#pragma once
// Named Go templates shared by many executions: Alertmanager's notification templates (the defaults, then
// the `templates:` files) that receivers' fields call with {{ template "name" . }}.

#include <map>
#include <memory>
#include <string>

#include "alertd/rules/template.h"

namespace twikit::rules {

/// A set of named templates, as Go's *template.Template after ParseFiles; a value, immutable once built and
/// then safe to use from several threads at once.
class TemplateSet {
 public:
  /// An empty set whose templates call `functions`.
  explicit TemplateSet(TemplateFunctions functions = TemplateFunctions::alertmanager);

  /// Parses `text` (the file `parse_name`, named in errors) and adds its {{define}}s and {{block}}s, replacing
  /// templates of the same name unless the new definition is empty (Go's rule). Throws TemplateError.
  void add(const std::string& parse_name, const std::string& text);

  /// Whether a template called `name` is defined.
  bool contains(const std::string& name) const;

  /// Parses `text` (a receiver field such as `{{ template "slack.default.title" . }}`) so that it can call
  /// the set's templates; `name` appears in errors. Throws TemplateError on a syntax error.
  Template parse(const std::string& name, const std::string& text) const;

  /// Executes the template called `name` with `dot`; throws TemplateError when it is not defined or fails.
  std::string execute(const std::string& name, const TemplateValue& dot, const ExecuteOptions& options = {}) const;

 private:
  TemplateFunctions functions_;
  std::shared_ptr<const std::map<std::string, std::shared_ptr<const tmpl::Tree>>> trees_;
};

}  // namespace twikit::rules
