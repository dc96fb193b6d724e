#pragma once
// Alerts, their acknowledgements and their history in SQLite, with retention; what the monitoring API reads.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alertd/dispatch/ack_lookup.h"
#include "alertd/notify/alert.h"
#include "alertd/notify/matcher.h"
#include "alertd/persistence/database.h"

namespace twikit::persistence {

/// Who acknowledged an alert, when and why.
struct Acknowledgement {
  std::string by;        ///< Who.
  std::string comment;   ///< Why.
  TimestampMs at = 0;    ///< When.
};

/// An alert as stored: its latest labels and annotations, state and timestamps.
struct AlertRecord {
  notify::Fingerprint fingerprint = 0;   ///< Identity (also the API id, in hex).
  Labels labels;                         ///< Identifying labels.
  Labels annotations;                    ///< Latest annotations.
  std::string generator_url;             ///< Link to the rule.
  std::string state;                     ///< "firing" or "resolved".
  TimestampMs active_at = 0;             ///< When the alert started firing (its startsAt); names the episode.
  TimestampMs rule_active_at = 0;        ///< When its rule's condition first held (Prometheus' activeAt, the
                                         ///< pending start); 0 when not known (rows from before it was kept).
  TimestampMs fired_at = 0;              ///< When alertd first saw it firing.
  TimestampMs resolved_at = 0;           ///< When it resolved (0 while firing).
  TimestampMs updated_at = 0;            ///< Last change.
  std::optional<Acknowledgement> ack;    ///< The current episode's acknowledgement, if any.
};

/// One line of an alert's history: fired, resolved, acknowledged, escalated.
struct HistoryEvent {
  notify::Fingerprint fingerprint = 0;   ///< Which alert.
  std::string event;                     ///< "firing", "resolved", "acknowledged" or "escalated".
  TimestampMs at = 0;                    ///< When.
  std::string detail;                    ///< E.g. "by=alice comment=..." for acknowledgements,
                                         ///< "level=1 policy=oncall receivers=pager" for escalations.
};

/// What AlertStore::acknowledge() did.
enum class AckOutcome {
  acknowledged,          ///< The firing episode is now acknowledged.
  already_acknowledged,  ///< It already was; the first acknowledgement is kept (AlertRecord::ack).
  not_firing,            ///< The alert is unknown or resolved: nothing to acknowledge.
};

/// Filters for AlertStore::query(); unset fields do not filter.
struct AlertQuery {
  std::optional<std::string> state;      ///< "firing" or "resolved".
  std::optional<std::string> severity;   ///< Value of the severity label.
  notify::Matchers matchers;             ///< Label matchers that must all match.
  std::optional<bool> acknowledged;      ///< Only (un)acknowledged alerts.
  TimestampMs from = 0;                  ///< Only alerts active at some time in [from, to] (0 = open).
  TimestampMs to = 0;                    ///< See from.
  std::size_t limit = 1000;              ///< At most this many, most recently updated first.
};

/// The alert tables. Also answers the escalator's acknowledgement lookups. Thread-safe.
class AlertStore final : public dispatch::AckLookup {
 public:
  /// Uses `db`, which must outlive it; loads current acknowledgements into memory.
  explicit AlertStore(Database& db);

  /// Records one cycle's alerts at `now`: new or changed state writes the row and a history event;
  /// resolution ends the acknowledgement of that firing episode.
  void record(const std::vector<notify::Alert>& alerts, TimestampMs now);
  /// Alerts matching `q`; rows that do not read back are left out (logged once each). The database lock is
  /// held only while the candidate rows are read; decoding and the label matchers run after it is released.
  std::vector<AlertRecord> query(const AlertQuery& q);
  /// One alert.
  std::optional<AlertRecord> get(notify::Fingerprint fp);
  /// Acknowledges a firing alert once per firing episode: a second acknowledgement does not replace the
  /// first (already_acknowledged); unknown or resolved alerts are not_firing.
  AckOutcome acknowledge(notify::Fingerprint fp, const std::string& by, const std::string& comment, TimestampMs now);
  /// Adds an "escalated" event to the alert's history; false, and nothing written, for an alert it has never
  /// recorded or a step already recorded in this firing episode (a restarted escalator sends its passed steps
  /// again, which the notification log then drops).
  bool record_escalation(notify::Fingerprint fp, std::size_t level, const std::string& policy,
                         const std::vector<std::string>& receivers, TimestampMs now);
  /// The alert's history, oldest first.
  std::vector<HistoryEvent> history(notify::Fingerprint fp);
  /// Deletes history and resolved alerts older than `now - retention_ms`; returns the rows deleted.
  std::size_t apply_retention(TimestampMs now, std::int64_t retention_ms);
  bool acknowledged(notify::Fingerprint fp) const override;
  bool resolved(notify::Fingerprint fp) const override;

 private:
  // One row of the alerts table as SQLite returned it, copied out so the lock can be released.
  struct RawRow {
    std::string fingerprint, labels, annotations, generator_url, state;
    TimestampMs active_at = 0, fired_at = 0, resolved_at = 0, updated_at = 0, rule_active_at = 0;
  };
  void add_history(const std::string& fp_hex, const std::string& event, TimestampMs at, const std::string& detail);
  static RawRow read_raw(Statement& s);
  std::optional<AlertRecord> decode(const RawRow& raw) const;  // nullopt for a row that does not read back

  Database& db_;
  mutable std::mutex ack_mu_;
  std::map<notify::Fingerprint, Acknowledgement> acks_;  // active acknowledgements
  mutable std::set<std::string> unreadable_logged_;       // fingerprints of unreadable rows (under ack_mu_)
};

}  // namespace twikit::persistence
