#pragma once
// One target's mapped samples as the exposition holds them: repeats dropped, grouped by family, and rendered
// to sample lines once, on a mapping worker while slower targets are still answering.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "exporter/config.h"
#include "exporter/json_mapper.h"

namespace twikit::exporter {

/// The sample lines of one family in a RenderedSamples' text.
struct FamilyLines {
  /// The spec of the family's first sample: its name, help and type head the family when this target is the
  /// first to have it.
  const MetricSpec* spec = nullptr;
  std::size_t begin = 0;  // [begin, end) of RenderedSamples::text
  std::size_t end = 0;
};

/// One target's samples, rendered: the families in the order of their first sample, each with its lines.
struct RenderedSamples {
  /// Every family's sample lines, one family after the other.
  std::string text;
  std::vector<FamilyLines> families;
  /// Samples rendered (repeats not counted).
  std::size_t series = 0;
  /// Samples dropped because their family already had their label set.
  std::uint64_t duplicates = 0;
};

/// Appends one sample line — `name{label="value",...} value` and a newline, labels in the order given (sorted,
/// as Labels are) — exactly as write_family() writes a sample without suffix or timestamp in either format.
void append_sample_line(std::string& out, std::string_view name, const Labels& labels, double value);

/// Groups `samples` by family name in the order each name first comes, drops a sample whose family already
/// holds its label set (the first stays), and renders each family's lines as both exposition formats write
/// samples without timestamps. Target names are unique and every sample carries service="<target>", so
/// samples of different targets never repeat each other and targets can be rendered apart.
RenderedSamples render_samples(std::vector<MappedSample> samples);

}  // namespace twikit::exporter
