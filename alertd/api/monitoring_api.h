#pragma once
// The monitoring API (/api/monitoring/*): alerts with filters and history, acknowledgement, silences.
// JSON in and out; mutations need the configured bearer token; bad input gets a 4xx with a JSON error.

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "alertd/persistence/alert_store.h"
#include "alertd/silence/silences.h"
#include "common/clock.h"
#include "common/web_router.h"

namespace twikit::api {

/// The request body cap of alertd's API: 1 MiB (no endpoint needs more; a silence is at most 64 KiB).
inline constexpr std::size_t kMaxRequestBodyBytes = std::size_t{1} << 20;

/// A handler's answer: HTTP status and JSON body.
struct ApiResponse {
  int status = 200;       ///< HTTP status.
  nlohmann::json body;    ///< {"status":"success","data":...} or {"status":"error","errorType":...,"error":...}.
};

/// Hears each acknowledgement made through the API: the alert as stored afterwards (its `ack` set). Called on
/// the handler thread, after the acknowledgement is stored; it must not block.
using AckListener = std::function<void(const persistence::AlertRecord& alert)>;

/// Serves the monitoring API over an AlertStore and Silences. Thread-safe; the stores must outlive it.
class MonitoringApi {
 public:
  /// Reads and writes `alerts` and `silences`; timestamps come from `clock`; `on_ack` (may be empty) hears
  /// the acknowledgements.
  MonitoringApi(persistence::AlertStore& alerts, silence::Silences& silences, const Clock& clock,
                AckListener on_ack = {});

  /// Sets the bearer token mutations require; with none set, mutations are refused (403).
  void set_token(std::string token);
  /// Registers GET /api/monitoring/alerts, GET /api/monitoring/alerts/:id,
  /// POST /api/monitoring/alerts/:id/acknowledge, GET+POST /api/monitoring/silences,
  /// GET+DELETE /api/monitoring/silences/:id on `router` (before its server starts); errors are JSON and
  /// request bodies are capped at `max_body_bytes`.
  void register_routes(WebRouter& router, std::size_t max_body_bytes = kMaxRequestBodyBytes);

  /// GET /api/monitoring/alerts with query parameters state, severity, filter (repeatable matcher
  /// list such as {service="x"}), acknowledged (true|false), from, to (RFC 3339 or unix seconds), limit.
  ApiResponse list_alerts(const WebParams& params);
  /// GET /api/monitoring/alerts/:id (id = fingerprint in hex), with history.
  ApiResponse get_alert(const std::string& id);
  /// POST /api/monitoring/alerts/:id/acknowledge with {"by": "...", "comment": "..."}.
  ApiResponse acknowledge(const std::string& authorization, const std::string& id, const std::string& body);
  /// GET /api/monitoring/silences (optional state filter).
  ApiResponse list_silences(const WebParams& params);
  /// GET /api/monitoring/silences/:id.
  ApiResponse get_silence(const std::string& id);
  /// POST /api/monitoring/silences with {"matchers": [...], "startsAt", "endsAt", "createdBy", "comment"};
  /// matchers are strings ('service=~"proxy.*"') or Alertmanager objects {name, value, isRegex, isEqual}.
  ApiResponse create_silence(const std::string& authorization, const std::string& body);
  /// DELETE /api/monitoring/silences/:id (expires it).
  ApiResponse delete_silence(const std::string& authorization, const std::string& id);

 private:
  std::optional<ApiResponse> check_token(const std::string& authorization) const;

  persistence::AlertStore& alerts_;
  silence::Silences& silences_;
  const Clock& clock_;
  const AckListener on_ack_;
  mutable std::mutex mu_;
  std::string token_;
};

/// An error response: {"status":"error","errorType":type,"error":message}.
ApiResponse api_error(int status, const std::string& type, const std::string& message);

/// A success response: {"status":"success","data":data}.
ApiResponse api_success(nlohmann::json data);

}  // namespace twikit::api
