#pragma once
// Label matchers as in PromQL selectors: =, !=, =~, !~ with fully anchored regular expressions.

#include <memory>
#include <regex>
#include <string>
#include <string_view>

namespace twikit::storage {

/// The four matcher kinds of a PromQL selector.
enum class MatchType { eq, neq, re, nre };

/// One matcher `name <op> "value"`; regexes are anchored (^(?:value)$) like Prometheus'.
/// Immutable after construction, so a matcher may be shared between threads.
class LabelMatcher {
 public:
  /// Builds a matcher; throws std::regex_error when a regex value does not compile.
  LabelMatcher(MatchType type, std::string name, std::string value);

  /// Whether a label value (empty when the label is absent) satisfies the matcher.
  bool matches(std::string_view value) const;
  /// Whether the matcher accepts the empty string (i.e. also matches series without the label).
  bool matches_empty() const { return matches_empty_; }

  /// The matcher kind.
  MatchType type() const { return type_; }
  /// The label name.
  const std::string& name() const { return name_; }
  /// The value (or regex source) as written.
  const std::string& value() const { return value_; }
  /// Renders `name="value"` with the operator, e.g. `job=~"api.*"`.
  std::string to_string() const;

 private:
  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const std::regex> regex_;  // set for re / nre; shared through a process-wide cache
  bool matches_empty_ = false;
};

/// Translates Go RE2 syntax that ECMAScript lacks ((?i) and (?i:...) flags, (?P<name>, '.' matching
/// newlines) into an equivalent ECMAScript pattern.
std::string re2_to_ecmascript(const std::string& re);

/// Compiles (or fetches from a process-wide, thread-safe cache) the anchored form of `pattern`.
std::shared_ptr<const std::regex> compile_anchored_regex(const std::string& pattern);

}  // namespace twikit::storage
