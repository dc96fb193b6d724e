#pragma once
// One simulated service's GET /status document: a generated state that moves one step per request,
// with the fields an operator patched pinned on top.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "sim/random_walk.h"
#include "sim/service_models.h"

namespace twikit::sim {

/// The document of one service. The generated state is never patched: patches are kept in order and
/// applied to every served copy, so pinned fields keep their value while the rest moves. (Patches are
/// kept rather than composed because RFC 7396 cannot express every sequence as one patch: a delete
/// followed by an object would merge into, not replace, the original member.)
/// Not thread-safe; ServiceServer serialises access.
class ServiceDocument {
 public:
  /// Starts the document of `spec` from `seed` (same seed and call sequence, same documents), reading
  /// time from `clock`; `list_size` overrides the spec's default list length when non-zero.
  ServiceDocument(const ServiceSpec& spec, std::uint64_t seed, const Clock& clock, std::size_t list_size = 0);

  /// Moves the state one step and returns the served document (state with pinned patches applied).
  nlohmann::json next();
  /// The served document as it is now, without moving.
  nlohmann::json current() const;

  /// Pins `patch` (RFC 7396 merge patch), applied after the earlier ones.
  void pin(const nlohmann::json& patch);
  /// The pinned patches in the order they were applied (an empty array when nothing is pinned).
  nlohmann::json pinned() const { return nlohmann::json(pins_); }
  /// Drops every pinned patch.
  void clear_pins() { pins_.clear(); }

  /// Whether the service has a resizable list (proxy pool, circuit breakers, campaigns).
  bool has_list() const { return !spec_.list_pointer.empty(); }
  /// The wanted list length (0 when the service has no list).
  std::size_t list_size() const { return list_size_; }
  /// Sets the list length and moves one step so the list fits; false when the service has no list.
  bool resize(std::size_t size);

 private:
  void refresh_envelope();

  const ServiceSpec& spec_;
  const Clock& clock_;
  RandomWalk walk_;
  std::size_t list_size_;
  TimestampMs started_ms_;
  double uptime_offset_s_;
  nlohmann::json state_;
  std::vector<nlohmann::json> pins_;
};

}  // namespace twikit::sim
