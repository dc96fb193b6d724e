#pragma once
// JSON merge patch (RFC 7396).

#include <nlohmann/json.hpp>

namespace twikit::sim {

/// Applies `patch` to `target` as RFC 7396 says: an object patch merges key by key (null deletes the key,
/// nested objects merge recursively), anything else (arrays, scalars, null) replaces the target whole.
void apply_merge_patch(nlohmann::json& target, const nlohmann::json& patch);

}  // namespace twikit::sim
