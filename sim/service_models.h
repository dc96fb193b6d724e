#pragma once
// The ten Twikit services as the sim plays them: their names, versions, dependencies and how the
// service-specific `metrics` object of each one starts and moves.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "sim/random_walk.h"

namespace twikit::sim {

/// What a model needs besides randomness: the time of this step and the wanted length of its list.
struct ModelContext {
  /// The current wall-clock time.
  TimestampMs now_ms = 0;
  /// How many entries the service's list (proxy pool, campaigns, ...) should have.
  std::size_t list_size = 0;
};

/// How one service's `metrics` object starts and moves; plain functions over the JSON state.
struct MetricsModel {
  /// Builds the initial `metrics` object.
  void (*init)(nlohmann::json& metrics, RandomWalk& walk, const ModelContext& ctx);
  /// Moves `metrics` one step: gauges walk inside their bounds, counters grow, lists fit ctx.list_size.
  void (*step)(nlohmann::json& metrics, RandomWalk& walk, const ModelContext& ctx);
};

/// One of the ten services of the contract (docs/service-contract.md).
struct ServiceSpec {
  /// The service name, as in `"service"` and in the admin API paths.
  std::string name;
  /// The platform component it stands for.
  std::string component;
  /// The version it reports.
  std::string version;
  /// The names of the dependencies it reports.
  std::vector<std::string> dependencies;
  /// The JSON pointer of its resizable list ("" when it has none).
  std::string list_pointer;
  /// The default length of that list.
  std::size_t default_list_size = 0;
  /// Its metrics model.
  MetricsModel model;
};

/// The ten services in the contract's table order (the order of their ports). Thread-safe (immutable).
const std::vector<ServiceSpec>& service_catalog();

/// The models of the first five services (sessions .. account health), defined in models_platform.cpp.
MetricsModel session_manager_model();
/// The proxy rotation model: a pool of proxies whose aggregates are computed from the pool.
MetricsModel proxy_rotation_model();
/// The rate limit model: request counters that stay consistent (allowed + blocked = total).
MetricsModel rate_limit_model();
/// The anti-detection model: a score whose band decides the risk level.
MetricsModel anti_detection_model();
/// The account health model: healthy + suspended + at-risk = total.
MetricsModel account_health_model();

/// The emergency stop model: rare events that recover at once, defined in models_operations.cpp.
MetricsModel emergency_stop_model();
/// The content safety model: checked/blocked/flagged counters and a safety score.
MetricsModel content_safety_model();
/// The connection pool model: active + idle = size.
MetricsModel connection_pool_model();
/// The retry engine model: retry counters and circuit breakers cycling closed → open → half_open → closed.
MetricsModel retry_engine_model();
/// The campaign orchestrator model: campaigns progressing to completion and starting again.
MetricsModel campaign_orchestrator_model();

/// Grows or shrinks `list` (an array) to `size` entries, building new ones with `make(index)`.
template <typename Make>
void fit_list(nlohmann::json& list, std::size_t size, Make&& make) {
  if (!list.is_array()) list = nlohmann::json::array();
  while (list.size() > size) list.erase(list.size() - 1);
  while (list.size() < size) list.push_back(make(list.size()));
}

}  // namespace twikit::sim
