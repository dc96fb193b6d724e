#pragma once
// The pure heart of the exporter: one service's JSON document plus metric specs in, samples out.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/labels.h"
#include "exporter/config.h"

namespace twikit::exporter {

/// One sample produced by a spec.
struct MappedSample {
  const MetricSpec* spec = nullptr;
  Labels labels;
  double value = 0;
};

/// Everything one document yields: samples, and one message per spec that could not be read.
struct MappingResult {
  std::vector<MappedSample> samples;
  /// "<JSON path>: <problem>", e.g. "system.response_time_ms: expected a number, got string".
  std::vector<std::string> errors;
};

/// Applies `specs` to `document`; every sample gets service="<service>". A spec whose path is missing
/// or holds the wrong type (or a number that is not finite once scaled) yields one error and no sample;
/// the other specs are unaffected. For an array spec, an element that cannot be read yields no sample,
/// the other elements still do, and the spec reports its first bad element. Never throws on any
/// document (std::bad_alloc aside).
MappingResult map_document(const nlohmann::json& document, const std::vector<const MetricSpec*>& specs,
                           const std::string& service);

}  // namespace twikit::exporter
