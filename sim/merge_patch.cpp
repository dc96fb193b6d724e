#include "sim/merge_patch.h"

namespace twikit::sim {

void apply_merge_patch(nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = nlohmann::json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      apply_merge_patch(target[key], value);
    }
  }
}

nlohmann::json compose_merge_patches(const nlohmann::json& earlier, const nlohmann::json& later) {
  if (!later.is_object()) return later;
  if (!earlier.is_object()) {
    // `earlier` replaced the whole target with a non-object, so `later` merges into an empty object:
    // the outcome is a plain value in which nulls have already done their work.
    nlohmann::json replaced = nlohmann::json::object();
    apply_merge_patch(replaced, later);
    return replaced;
  }
  nlohmann::json out = earlier;
  for (const auto& [key, value] : later.items()) {
    auto it = out.find(key);
    if (it == out.end() || !value.is_object()) {
      // A key `earlier` did not touch keeps `later`'s patch as it is (its nulls still apply to the target).
      out[key] = value;
    } else {
      out[key] = compose_merge_patches(*it, value);
    }
  }
  return out;
}

}  // namespace twikit::sim
