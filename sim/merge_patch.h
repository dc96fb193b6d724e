#pragma once
// JSON merge patch (RFC 7396): applying one patch, and composing patches so they can be kept and re-applied.

#include <nlohmann/json.hpp>

namespace twikit::sim {

/// Applies `patch` to `target` as RFC 7396 says: an object patch merges key by key (null deletes the key,
/// nested objects merge recursively), anything else (arrays, scalars, null) replaces the target whole.
void apply_merge_patch(nlohmann::json& target, const nlohmann::json& patch);

/// Combines `earlier` and `later` into one patch with the same effect as applying `earlier`, then `later`,
/// to any document; deletions (nulls) are kept so that re-applying the result still deletes.
nlohmann::json compose_merge_patches(const nlohmann::json& earlier, const nlohmann::json& later);

}  // namespace twikit::sim
