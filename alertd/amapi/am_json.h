#pragma once
// Alertmanager 0.25's JSON shapes (api/v2/openapi.yaml): gettableAlert, alertGroup, gettableSilence,
// alertmanagerStatus, receiver, and the postableSilence a client sends.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "alertd/amapi/am_view.h"
#include "alertd/notify/alert.h"
#include "alertd/notify/matcher.h"
#include "alertd/silence/silences.h"

namespace twikit::amapi {

/// One alert as the API reports it, with its status worked out.
struct AlertView {
  notify::Fingerprint fingerprint = 0;    ///< Identity of the label set.
  Labels labels;                          ///< Identifying labels.
  Labels annotations;                     ///< Annotations.
  TimestampMs starts_at = 0;              ///< startsAt.
  TimestampMs ends_at = 0;                ///< endsAt (0 = unknown, written as Go's zero time).
  TimestampMs updated_at = 0;             ///< updatedAt.
  std::string generator_url;              ///< generatorURL.
  std::vector<std::string> receivers;     ///< Receivers of the routes the alert matches, in route order.
  std::vector<std::string> silenced_by;   ///< Ids of the active silences that match it, ascending.
  std::vector<std::string> inhibited_by;  ///< Fingerprints (hex) of the alerts inhibiting it, ascending.

  /// "suppressed" when silenced or inhibited, else "active" (alertd has no unprocessed alerts).
  const char* state() const;
};

/// An aggregation group as GET /api/v2/alerts/groups reports it.
struct AlertGroupView {
  Labels labels;                  ///< The group_by labels and values.
  std::string receiver;           ///< The route's receiver.
  std::vector<AlertView> alerts;  ///< The group's alerts that pass the request's filter.
};

/// A time as go-openapi's strfmt.DateTime writes it: UTC with exactly three fraction digits
/// ("2026-12-03T13:42:28.000Z"); 0 is Go's zero time, "0001-01-01T00:00:00.000Z".
std::string am_time(TimestampMs t);

/// {"name", "value", "isRegex", "isEqual"}.
nlohmann::json matcher_json(const notify::Matcher& m);
/// gettableAlert: annotations, endsAt, fingerprint, receivers [{name}], startsAt, status {inhibitedBy,
/// silencedBy, state}, updatedAt, generatorURL, labels.
nlohmann::json gettable_alert_json(const AlertView& a);
/// alertGroup: {labels, receiver {name}, alerts}.
nlohmann::json alert_group_json(const AlertGroupView& g);
/// gettableSilence: id, status {state}, updatedAt, matchers, startsAt, endsAt, createdBy, comment.
nlohmann::json gettable_silence_json(const silence::Silence& s, TimestampMs now);
/// alertmanagerStatus: cluster {status: "disabled", peers: []}, versionInfo, config {original}, uptime.
nlohmann::json status_json(const StatusInfo& info, const std::string& config_original);
/// [{name}] for every configured receiver, in config order.
nlohmann::json receivers_json(const notify::NotificationConfig& config);

/// Why a request body was refused: the status and JSON body Alertmanager (go-swagger) answers with.
struct BodyError {
  int status = 400;     ///< 400 for what does not parse, 422 for a failed schema validation.
  nlohmann::json body;  ///< {"code", "message"} or a JSON string.
};

/// Reads a postableSilence (id optional; matchers with name, value, isRegex and optional isEqual; startsAt,
/// endsAt, createdBy and comment required) into a Silence, or returns the refusal as Alertmanager 0.25 gives
/// it: 400 {"code":400,"message":"parsing silence body from \"\" failed, because …"} for JSON, type and time
/// errors, 422 {"code":602,"message":"comment in body is required"} for a missing property, 422 code 612 for
/// no matchers, 400 "silence invalid: …" for a bad label name or regex.
std::variant<silence::Silence, BodyError> parse_postable_silence(const std::string& body);

}  // namespace twikit::amapi
