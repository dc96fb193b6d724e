#pragma once
// Turns a parsed sample's labels into the stored series' labels, as Prometheus does with
// honor_labels: false: target labels win, clashing exposed labels are kept as exported_<name>.

#include <optional>
#include <string>

#include "common/exposition_parser.h"
#include "common/labels.h"

namespace twikit::scrape {

/// Builds the sorted label set (with `__name__`) for `sample` scraped from a target with `target_labels`
/// into `out`; returns an error message when the sample repeats a label name or uses a reserved one.
/// Empty label values are dropped, as Prometheus treats them as absent.
std::optional<std::string> build_series_labels(const SampleView& sample, const Labels& target_labels,
                                               Labels& out);

}  // namespace twikit::scrape
