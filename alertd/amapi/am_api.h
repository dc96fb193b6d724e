#pragma once
// The Alertmanager API v2 (Alertmanager 0.25's api/v2) over alertd's alerts and silences: what amtool and
// Grafana's Alertmanager data source call. Handlers take decoded parameters and return status and body, so
// they are tested without a server; am_routes.h puts them on a WebRouter.

#include <optional>
#include <string>
#include <vector>

#include "alertd/amapi/am_json.h"
#include "alertd/amapi/am_select.h"
#include "alertd/amapi/am_view.h"
#include "common/web_message.h"

namespace twikit::amapi {

/// A handler's answer: status and body text (JSON; a JSON string for errors, as Alertmanager answers).
struct AmResponse {
  int status = 200;   ///< HTTP status.
  std::string body;   ///< application/json text; empty for DELETE's 200, as Alertmanager answers it.
};

/// Serves the API from `Sources`. Thread-safe (every handler reads the sources afresh).
class AlertmanagerApi {
 public:
  /// Reads and writes through `sources`, whose pointers must outlive the API.
  explicit AlertmanagerApi(Sources sources);

  /// GET /api/v2/status.
  AmResponse status() const;
  /// GET /api/v2/receivers.
  AmResponse receivers() const;
  /// GET /api/v2/alerts with filter, receiver, active, silenced, inhibited, unprocessed; sorted by fingerprint.
  AmResponse alerts(const WebParams& params) const;
  /// GET /api/v2/alerts/groups with filter, receiver, active, silenced, inhibited.
  AmResponse alert_groups(const WebParams& params) const;
  /// GET /api/v2/silences with filter.
  AmResponse silences(const WebParams& params) const;
  /// GET /api/v2/silence/{id}; 404 for an unknown id.
  AmResponse silence(const std::string& id) const;
  /// POST /api/v2/silences: creates, or with `id` updates as Alertmanager's Set does; {"silenceID"}.
  AmResponse post_silence(const std::string& authorization, const std::string& body);
  /// DELETE /api/v2/silence/{id}: expires it (200 also when already expired); 404 for an unknown id.
  AmResponse delete_silence(const std::string& authorization, const std::string& id);

  /// Every unresolved alert with its receivers and status at `now`, sorted by fingerprint.
  std::vector<AlertView> alert_views(const NotificationView& view, TimestampMs now) const;

 private:
  std::optional<AmResponse> check_token(const NotificationView& view, const std::string& authorization) const;

  Sources sources_;
};

/// Alertmanager's LabelSet.Before: fewer labels first, then by the first differing value over the sorted
/// union of names (a set missing that name sorts first).
bool label_set_before(const Labels& a, const Labels& b);

}  // namespace twikit::amapi
