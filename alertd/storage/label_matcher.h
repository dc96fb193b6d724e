#pragma once
// Label matchers as in PromQL selectors: =, !=, =~, !~ with fully anchored regular expressions.

#include <optional>
#include <string>
#include <string_view>

#include "common/regex.h"

namespace twikit::storage {

/// The four matcher kinds of a PromQL selector.
enum class MatchType { eq, neq, re, nre };

/// One matcher `name <op> "value"`; regexes are RE2 (Go syntax) anchored as Prometheus anchors them,
/// `^(?s:value)$`, so matching takes time linear in the value. Compiled regexes come from the
/// process-wide cache of common/regex.h. Immutable after construction, so a matcher may be shared
/// between threads.
class LabelMatcher {
 public:
  /// Builds a matcher; throws twikit::RegexError (a std::invalid_argument) when a regex value does not
  /// compile, with RE2's reason.
  LabelMatcher(MatchType type, std::string name, std::string value);
  // Out of line: inlined into callers' vector growth, GCC 12 warns of a null dereference it invents.
  /// Copies a matcher (the compiled regex is shared).
  LabelMatcher(const LabelMatcher&);
  /// Moves a matcher.
  LabelMatcher(LabelMatcher&&) noexcept;
  /// Copy-assigns a matcher.
  LabelMatcher& operator=(const LabelMatcher&);
  /// Move-assigns a matcher.
  LabelMatcher& operator=(LabelMatcher&&) noexcept;
  /// Destroys a matcher.
  ~LabelMatcher();

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
  std::optional<Regex> regex_;  // set for re / nre
  bool matches_empty_ = false;
};

}  // namespace twikit::storage
