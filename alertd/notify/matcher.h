#pragma once
// Label matchers in Alertmanager's string syntax: `severity=~"critical|warning"`, `team!=ops`.

#include <optional>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/regex.h"

namespace twikit::notify {

/// One label matcher; regex matchers are RE2 (Go syntax) anchored as Alertmanager anchors them,
/// `^(?:value)$`, compiled through the process-wide cache of common/regex.h. Immutable, so shareable.
class Matcher {
 public:
  /// The four comparison operators.
  enum class Op { equal, not_equal, regex, not_regex };

  /// Builds a matcher; throws std::invalid_argument on a bad regex or label name.
  Matcher(std::string name, Op op, std::string value);

  /// Whether `labels` satisfy this matcher (a missing label has the empty value).
  bool matches(const Labels& labels) const;
  /// Whether the single value satisfies this matcher.
  bool matches_value(const std::string& value) const;

  /// The label name.
  const std::string& name() const { return name_; }
  /// The operator.
  Op op() const { return op_; }
  /// The value or regex source.
  const std::string& value() const { return value_; }
  /// The matcher as Alertmanager prints it: name, operator, quoted value.
  std::string to_string() const;

 private:
  std::string name_;
  Op op_;
  std::string value_;
  std::optional<Regex> regex_;  // set for regex / not_regex
};

/// A conjunction of matchers.
using Matchers = std::vector<Matcher>;

/// Parses one matcher such as `alertname="Down"`, `severity=~"critical|warning"` or `team!=ops`;
/// throws std::invalid_argument with a message describing what is wrong.
Matcher parse_matcher(const std::string& text);

/// Parses `{a="1", b=~"x"}` or `a="1",b=~"x"` into matchers; throws std::invalid_argument.
Matchers parse_matchers(const std::string& text);

/// Whether every matcher matches `labels` (true for an empty list).
bool matches_all(const Matchers& matchers, const Labels& labels);

/// The operator's text: "=", "!=", "=~" or "!~".
const char* op_string(Matcher::Op op);

}  // namespace twikit::notify
