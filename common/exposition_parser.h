#pragma once
// Parses a scrape body in Prometheus text format 0.0.4 or OpenMetrics 1.0 into samples, without
// allocating per sample: names and label values are string_views into the body (or into the parser's
// scratch buffer when a label value had escapes), valid only during the callback.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/exposition.h"
#include "common/labels.h"

namespace twikit {

/// The format announced by a Content-Type header value (OpenMetrics only when it says so).
ExpositionFormat exposition_format_from_content_type(std::string_view content_type);

/// A metric family type read from `# TYPE`: text 0.0.4 and OpenMetrics types together (the writer's
/// MetricType knows only the ones it writes).
enum class ParsedMetricType { unknown, untyped, counter, gauge, histogram, summary, gaugehistogram, info, stateset };

/// The lower-case wire name of `type` ("counter", ...).
const char* parsed_metric_type_name(ParsedMetricType type);

/// One label of a sample as views; the value is already unescaped.
struct LabelView {
  std::string_view name;
  std::string_view value;
};

/// One sample as views, valid only during ExpositionHandler::on_sample.
struct SampleView {
  /// The metric name (`__name__`).
  std::string_view name;
  /// The labels in the order written, values unescaped (duplicates are not checked here).
  std::span<const LabelView> labels;
  /// The raw series text (name and label block exactly as written), a cheap cache key for the series.
  std::string_view series;
  /// The sample value (NaN, +Inf and -Inf included).
  double value = 0;
  /// Whether the line carried a timestamp.
  bool has_timestamp = false;
  /// The timestamp in milliseconds (OpenMetrics seconds are converted), when has_timestamp.
  TimestampMs timestamp_ms = 0;
};

/// Receives what the parser finds, in body order. Implement on_sample; metadata callbacks are optional.
class ExpositionHandler {
 public:
  virtual ~ExpositionHandler() = default;
  /// Called once per sample line.
  virtual void on_sample(const SampleView& sample) = 0;
  /// Called for `# TYPE name type`.
  virtual void on_type(std::string_view /*metric*/, ParsedMetricType /*type*/) {}
  /// Called for `# HELP name text`, the text unescaped.
  virtual void on_help(std::string_view /*metric*/, std::string_view /*help*/) {}
  /// Called for `# UNIT name unit` (OpenMetrics only).
  virtual void on_unit(std::string_view /*metric*/, std::string_view /*unit*/) {}
};

/// Why a body was rejected: the 1-based line number and a reason.
struct ExpositionError {
  std::size_t line = 0;
  std::string reason;
  /// "line N: reason".
  std::string to_string() const;
};

/// Parser behaviour that differs between consumers.
struct ExpositionParseOptions {
  /// Drop OpenMetrics `<name>_created` samples of counter, histogram, summary and gaugehistogram
  /// families (they carry a creation time, not a value), as Prometheus' scrape does by default.
  bool skip_created_series = true;
};

/// A reusable parser; keeps its scratch buffers between calls so steady-state parsing does not allocate.
/// Not thread-safe: use one per thread.
class ExpositionParser {
 public:
  /// Creates a parser with `options`.
  explicit ExpositionParser(ExpositionParseOptions options = {}) : options_(options) {}

  /// Parses `body` in `format`, calling `handler` for each sample and metadata line. The first malformed
  /// line stops the parse and is returned; samples before it have already been delivered, so a caller
  /// that must reject the whole body buffers until this returns nullopt.
  std::optional<ExpositionError> parse(std::string_view body, ExpositionFormat format,
                                       ExpositionHandler& handler);

 private:
  struct Family {
    std::string name;
    ParsedMetricType type = ParsedMetricType::unknown;
  };
  std::optional<std::string> parse_comment(std::string_view line, bool openmetrics,
                                           ExpositionHandler& handler);
  std::optional<std::string> parse_sample(std::string_view line, bool openmetrics,
                                          ExpositionHandler& handler);
  bool is_created_sample(std::string_view name) const;

  ExpositionParseOptions options_;
  struct EscapedValue {
    std::size_t label;   // index into labels_
    std::size_t offset;  // where its unescaped value starts in scratch_
    std::size_t size;
  };
  std::vector<LabelView> labels_;
  std::vector<EscapedValue> escaped_;  // label values with escapes, unescaped into scratch_
  std::string scratch_;
  std::string help_scratch_;
  Family family_;  // the most recent `# TYPE`, to recognise `_created` samples
};

/// One sample with owned strings, for tests and tools that do not care about allocation.
struct ParsedSample {
  std::string name;
  /// Labels in the order written (not sorted).
  std::vector<Label> labels;
  double value = 0;
  std::optional<TimestampMs> timestamp_ms;
};

/// The samples of a body, or the error that rejected it.
struct ParsedExposition {
  std::vector<ParsedSample> samples;
  std::optional<ExpositionError> error;
};

/// Parses `body` into owned samples; on error, `samples` is empty and `error` says why.
ParsedExposition parse_exposition(std::string_view body, ExpositionFormat format,
                                  ExpositionParseOptions options = {});

}  // namespace twikit
