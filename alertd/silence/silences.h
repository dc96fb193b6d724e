#pragma once
// Silences: matchers plus a time window that mute matching alerts, with who created them and why.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "alertd/notify/matcher.h"
#include "alertd/notify/muter.h"
#include "common/clock.h"

namespace twikit::silence {

/// One silence, as the API shows it.
struct Silence {
  std::string id;                ///< Assigned on creation (32 hex digits).
  notify::Matchers matchers;     ///< All must match for an alert to be silenced.
  TimestampMs starts_at = 0;     ///< Start of the window.
  TimestampMs ends_at = 0;       ///< End of the window (expiring sets it to now).
  std::string created_by;        ///< Who created it.
  std::string comment;           ///< Why.
  TimestampMs updated_at = 0;    ///< Last change.
};

/// At most this many matchers in one silence. Alertmanager has no such cap (only an optional size cap); 64 is
/// far above any real silence and keeps one request from storing hundreds of thousands.
inline constexpr std::size_t kMaxMatchers = 64;
/// At most this many bytes in createdBy.
inline constexpr std::size_t kMaxCreatedByBytes = 256;
/// At most this many bytes in a comment.
inline constexpr std::size_t kMaxCommentBytes = 16 * 1024;
/// At most this many bytes in one silence: matcher names and values, createdBy and comment (Alertmanager's
/// --silences.max-silence-size-bytes, off by default there; 64 KiB is the value its hardening guides use).
inline constexpr std::size_t kMaxSilenceBytes = 64 * 1024;
/// At most this many active and pending silences (Alertmanager's --silences.max-silences, off by default there).
inline constexpr std::size_t kMaxActiveSilences = 1000;

/// "pending", "active" or "expired" at `now`.
std::string silence_state(const Silence& s, TimestampMs now);

/// Thrown by Silences::set() for an id that names no silence.
class SilenceNotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Persists silences (SQLite in the daemon). Implementations are thread-safe.
class SilenceStore {
 public:
  virtual ~SilenceStore() = default;
  /// Inserts or replaces `s` by id.
  virtual void save(const Silence& s) = 0;
  /// All stored silences.
  virtual std::vector<Silence> load_all() = 0;
};

/// What happened to a silence, as a SilenceListener hears it.
enum class SilenceChange {
  created,  ///< add() stored it.
  expired,  ///< expire() ended it.
};

/// Hears every silence created or expired, after the change and outside the set's lock, on the thread that
/// made it; it may read the set (mutes(), get()) but must not block.
using SilenceListener = std::function<void(const Silence& silence, SilenceChange change)>;

/// The set of silences; a SilenceMuter for the pipeline. Thread-safe.
class Silences final : public notify::SilenceMuter {
 public:
  /// Loads existing silences from `store` (may be null: memory only; must outlive this object); `listener`
  /// (may be empty) hears the silences created and expired from now on.
  Silences(const Clock& clock, SilenceStore* store, SilenceListener listener = {});

  /// Validates and adds `s` (a fresh id is assigned) and returns the id. Throws std::invalid_argument when
  /// there are no matchers or more than kMaxMatchers, every matcher matches the empty string, ends_at <=
  /// starts_at, ends_at is in the past, created_by is empty, a size cap above is exceeded, or
  /// kMaxActiveSilences are already active or pending. A zero starts_at means now.
  std::string add(Silence s);
  /// Alertmanager's Set: without an id, adds `s` as add() does but starting no earlier than now; with the id
  /// of an existing silence, updates it in place when Alertmanager allows (same matchers; an active one keeps
  /// its start (to the second) and does not end in the past, a pending one does not start in the past),
  /// otherwise expires it (unless already expired) and adds `s` under a fresh id. Returns the id. Throws
  /// std::invalid_argument as add() does and SilenceNotFound for an unknown id.
  std::string set(Silence s);
  /// Expires silence `id` now; false when it does not exist or has already expired.
  bool expire(const std::string& id);
  /// The silence `id`, if any.
  std::optional<Silence> get(const std::string& id) const;
  /// All silences, newest first.
  std::vector<Silence> list() const;

  bool mutes(const Labels& labels, TimestampMs now) const override;
  bool muted_during(const Labels& labels, TimestampMs from, TimestampMs to) const override;

 private:
  void validate(Silence& s, TimestampMs now) const;       // throws std::invalid_argument; fills a zero start
  std::string insert_locked(Silence s, TimestampMs now);  // caps, fresh id, store; caller holds mu_

  const Clock& clock_;
  SilenceStore* store_;
  const SilenceListener listener_;
  mutable std::mutex mu_;
  std::map<std::string, Silence> silences_;
  std::mt19937_64 rng_;
};

}  // namespace twikit::silence
