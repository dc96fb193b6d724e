#pragma once
// Alertmanager's notification template data (template.Data) built from a Notification: what
// `{{ .Status }}`, `{{ .Alerts.Firing }}` or `{{ .CommonLabels.SortedPairs.Values }}` read.

#include "alertd/notify/notifier.h"
#include "alertd/rules/template_value.h"

namespace twikit::notify {

/// The data a notification template executes with, shaped like Alertmanager's *template.Data: Receiver,
/// Status, Alerts (with Firing and Resolved), GroupLabels, CommonLabels, CommonAnnotations (KV with
/// SortedPairs, Names, Values, Remove), ExternalURL and GroupKey; each alert has Status, Labels,
/// Annotations, StartsAt, EndsAt (time.Time: printed as Go prints it, with Format, Unix, UnixMilli, UTC, Local,
/// String, IsZero, Year, YearDay, Day, Hour, Minute, Second, Nanosecond), GeneratorURL and Fingerprint.
rules::TemplateValue notification_template_data(const Notification& n);

/// A label set as Alertmanager's template.KV (a map with SortedPairs, Names, Values and Remove).
rules::TemplateValue template_kv(const Labels& labels);

/// Go's time.Time.String() of a millisecond timestamp ("2023-11-14 22:13:20.5 +0000 UTC"); 0 is Go's zero time.
std::string go_time_string(TimestampMs ms);

}  // namespace twikit::notify
