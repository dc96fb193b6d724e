#pragma once
// A Go text/template engine, the subset Prometheus alert templates use: text, actions, pipelines,
// variables, if/else if/else, range (maps and lists), with, comments, trim markers and Prometheus'
// template functions. `query` and friends parse but report an error when executed (no PromQL here).

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
}

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

/// A template that failed to parse or execute; what() reads like Go's ("template: NAME:LINE: ...").
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A parsed template; immutable and safe to execute from several threads at once.
class Template {
 public:
  /// Parses `text`; `name` appears in error messages. Throws TemplateError on a syntax error, an
  /// undefined variable or an unknown function, as Go's parser does.
  static Template parse(const std::string& name, const std::string& text);

  /// Executes the template with `dot` as `.` and `$`; throws TemplateError on an execution error.
  std::string execute(const TemplateValue& dot) const;

  /// The name given to parse().
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::shared_ptr<const std::vector<tmpl::Node>> root_;
};

/// Whether `name` is a function templates may call (Go builtins plus Prometheus' functions).
bool is_template_function(const std::string& name);

/// Calls template function `name`; throws std::runtime_error with Go's message on bad arguments.
TemplateValue call_template_function(const std::string& name, const std::vector<TemplateValue>& args);

}  // namespace twikit::rules
