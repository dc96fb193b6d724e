#pragma once
// Regular expressions in Go's syntax (RE2), matched in time linear in the text, with no recursion per
// character, through one process-wide compile cache bounded by bytes. Every regex a user or a scraped
// target can influence goes through here.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace twikit {

/// A pattern RE2 rejects; what() is "<RE2's reason>: `<offending part>`", e.g.
/// "bad repetition operator: `{300}`" or "pattern too large - compile failed: `…`".
class RegexError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// How compile() anchors a pattern, after the system whose semantics it follows.
enum class RegexAnchor {
  none,          ///< As written, like Go's regexp.Compile (templates' match/reReplaceAll, promtool --run).
  promql,        ///< `^(?s:pattern)$`: PromQL matchers and label_replace ('.' also matches newlines).
  alertmanager,  ///< `^(?:pattern)$`: Alertmanager matchers (routes, inhibit rules, silences, filters).
};

/// The groups of one match, 0 being the whole match; a group that took no part is nullopt.
/// The views point into the text that was searched.
using RegexSubmatches = std::vector<std::optional<std::string_view>>;

/// A compiled regular expression. Immutable and cheap to copy (the compiled program is shared with the
/// cache), so one may be used from many threads at once.
class Regex {
 public:
  /// Compiles `pattern` anchored as `anchor`, or takes it from the cache; throws RegexError when RE2
  /// rejects the pattern on its own (so `a)|(b` is not accepted through the wrapping group) or the
  /// program would exceed the per-pattern memory budget (kRegexMaxMem).
  static Regex compile(std::string_view pattern, RegexAnchor anchor = RegexAnchor::none);

  /// The pattern as given to compile(), without the anchoring.
  const std::string& pattern() const;
  /// The anchoring it was compiled with.
  RegexAnchor anchor() const;
  /// The number of capturing groups.
  std::size_t group_count() const;

  /// Whether the whole of `text` matches (for an anchored regex the same as partial_match).
  bool full_match(std::string_view text) const;
  /// Whether the regex matches somewhere in `text` (Go's MatchString).
  bool partial_match(std::string_view text) const;
  /// The leftmost match in `text` and its groups, or nullopt (Go's FindStringSubmatch).
  std::optional<RegexSubmatches> find(std::string_view text) const;
  /// Go's Regexp.ExpandString: `tmpl` with `$1`, `${1}`, `$name`, `${name}` replaced by the groups of
  /// `match` (unknown or unset groups expand to nothing) and `$$` by `$`.
  std::string expand(std::string_view tmpl, const RegexSubmatches& match) const;
  /// Go's Regexp.ReplaceAllString: every non-overlapping match in `text` replaced by `repl` expanded
  /// as expand() does; an empty match right after a match is not replaced.
  std::string replace_all(std::string_view text, std::string_view repl) const;

  struct Compiled;  ///< The RE2 program and its bookkeeping (defined in regex.cpp).

 private:
  explicit Regex(std::shared_ptr<const Compiled> c) : c_(std::move(c)) {}
  std::shared_ptr<const Compiled> c_;
};

/// RE2's memory budget for one pattern, its program and DFA caches together (a program of more than
/// about 150,000 instructions is rejected; a DFA that fills its share falls back to the NFA).
inline constexpr std::int64_t kRegexMaxMem = 2 << 20;
/// The compile cache's default bound on the estimated bytes it holds.
inline constexpr std::size_t kRegexCacheDefaultBytes = 64 << 20;

/// A snapshot of the compile cache.
struct RegexCacheStats {
  std::size_t entries = 0;         ///< Patterns held.
  std::size_t bytes = 0;           ///< Their estimated size (pattern + program), never above capacity.
  std::size_t capacity_bytes = 0;  ///< The bound.
  std::uint64_t hits = 0;          ///< compile() calls answered from the cache.
  std::uint64_t misses = 0;        ///< compile() calls that compiled.
  std::uint64_t evictions = 0;     ///< Entries dropped, least recently used first, to stay under the bound.
};

/// The compile cache's current figures; thread-safe.
RegexCacheStats regex_cache_stats();
/// Sets the cache's byte bound, evicting least recently used entries at once; thread-safe.
void set_regex_cache_capacity(std::size_t bytes);
/// Empties the cache (compiled regexes still in use stay valid); thread-safe.
void clear_regex_cache();
/// The cache's estimate of what one compiled regex costs: its pattern, RE2's fixed parts, and 128 bytes
/// per program instruction (the program itself and the DFA states matching builds, as measured).
std::size_t regex_estimated_bytes(std::size_t pattern_size, std::size_t program_size);

}  // namespace twikit
