#pragma once
// A Go text/template engine, the subset Prometheus alert templates and Alertmanager notification
// templates use: text, actions, pipelines, variables, if/else if/else, range (maps and lists), with,
// comments, trim markers, define/template/block, methods of typed values, and either Prometheus' or
// Alertmanager's template functions. `query` and friends parse but report an error when executed.

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "alertd/rules/template_value.h"

namespace twikit::rules {

namespace tmpl {
struct Node;
struct Tree;
}

/// Which functions a template may call besides Go's builtins.
enum class TemplateFunctions {
  prometheus,   ///< Prometheus' alert-template functions (humanize, query, ...).
  alertmanager  ///< Alertmanager's notification-template functions (join, stringSlice, trimSpace, ...).
};

/// Bounds on one template, so that a rule cannot stall or exhaust the rule thread. Go has none of these
/// (Prometheus relies on templates being small); errors name the limit that was hit.
/// Control structures (`if`, `range`, `with`, each `else if`) and parenthesised pipelines nested deeper
/// than this are a parse error, so parsing and execution recurse at most this deep.
inline constexpr int kTemplateMaxNesting = 100;
/// An expansion producing more output than this many bytes fails.
inline constexpr std::size_t kTemplateMaxOutputBytes = 1 << 20;
/// An expansion whose function calls return more than this many bytes of strings in total fails
/// (a loop doubling a string with printf stops here).
inline constexpr std::size_t kTemplateMaxWorkBytes = 8 << 20;
/// An expansion executing more than this many nodes and range iterations fails (`{{range 1000000000}}`).
inline constexpr std::size_t kTemplateMaxSteps = 1'000'000;
/// Control structures and `{{template}}` calls active at once during an execution; deeper fails with Go's
/// "exceeded maximum template depth" (Go allows 100000), so a template calling itself stops here.
inline constexpr int kTemplateMaxExecDepth = 256;

/// A template that failed to parse or execute; what() reads like Go's ("template: NAME:LINE: ...").
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How to execute a template.
struct ExecuteOptions {
  /// HTML-escape what every action prints unless it is a safeHtml value (an approximation of Go's
  /// html/template, which Alertmanager uses for email `html`: text context only).
  bool escape_html = false;
};

/// A parsed template with the templates it defines (and, from a TemplateSet, the set's); immutable and
/// safe to execute from several threads at once.
class Template {
 public:
  /// Parses `text`; `name` appears in error messages. Throws TemplateError on a syntax error, an
  /// undefined variable or an unknown function, as Go's parser does.
  static Template parse(const std::string& name, const std::string& text,
                        TemplateFunctions functions = TemplateFunctions::prometheus);

  /// Executes the template with `dot` as `.` and `$`; throws TemplateError on an execution error.
  std::string execute(const TemplateValue& dot, const ExecuteOptions& options = {}) const;

  /// The name given to parse().
  const std::string& name() const { return name_; }

 private:
  friend class TemplateSet;
  std::string name_;
  TemplateFunctions functions_ = TemplateFunctions::prometheus;
  std::shared_ptr<const tmpl::Tree> root_;
  std::shared_ptr<const std::map<std::string, std::shared_ptr<const tmpl::Tree>>> defined_;
};

/// Whether `name` is a function templates of `functions` may call (Go builtins plus that set).
bool is_template_function(const std::string& name, TemplateFunctions functions = TemplateFunctions::prometheus);

/// Calls template function `name`; throws std::runtime_error with Go's message on bad arguments.
TemplateValue call_template_function(const std::string& name, const std::vector<TemplateValue>& args,
                                     TemplateFunctions functions = TemplateFunctions::prometheus);

/// The Go type of safeHtml's result (html/template.HTML): printed without HTML escaping.
const std::shared_ptr<const TemplateType>& template_html_type();

/// Go's template.HTMLEscapeString: escapes <, >, &, ' and " (and NUL).
std::string template_html_escape(const std::string& s);

}  // namespace twikit::rules
