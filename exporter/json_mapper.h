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
  std::vector<std::string> errors;
};

/// Applies `specs` to `document`; every sample gets service="<service>". A spec whose path is missing
/// or holds the wrong type yields an error message and no samples; the other specs are unaffected.
MappingResult map_document(const nlohmann::json& document, const std::vector<const MetricSpec*>& specs,
                           const std::string& service);

}  // namespace twikit::exporter
