#include "alertd/silence/silences.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace twikit::silence {

std::string silence_state(const Silence& s, TimestampMs now) {
  if (s.ends_at <= now) return "expired";
  if (s.starts_at > now) return "pending";
  return "active";
}

Silences::Silences(const Clock& clock, SilenceStore* store, SilenceListener listener)
    : clock_(clock), store_(store), listener_(std::move(listener)), rng_(std::random_device{}()) {
  if (store_) {
    for (auto& s : store_->load_all()) silences_[s.id] = std::move(s);
  }
}

void Silences::validate(Silence& s, TimestampMs now) const {
  if (s.matchers.empty()) throw std::invalid_argument("silence needs at least one matcher");
  if (std::all_of(s.matchers.begin(), s.matchers.end(), [](const notify::Matcher& m) { return m.matches_value(""); })) {
    throw std::invalid_argument("at least one matcher must not match the empty string");
  }
  if (s.starts_at == 0) s.starts_at = now;
  if (s.ends_at <= s.starts_at) throw std::invalid_argument("endsAt must be after startsAt");
  if (s.ends_at <= now) throw std::invalid_argument("endsAt is in the past");
  if (s.created_by.empty()) throw std::invalid_argument("createdBy is required");
  if (s.matchers.size() > kMaxMatchers) {
    throw std::invalid_argument("a silence has at most " + std::to_string(kMaxMatchers) + " matchers");
  }
  if (s.created_by.size() > kMaxCreatedByBytes) {
    throw std::invalid_argument("createdBy is longer than " + std::to_string(kMaxCreatedByBytes) + " bytes");
  }
  if (s.comment.size() > kMaxCommentBytes) {
    throw std::invalid_argument("comment is longer than " + std::to_string(kMaxCommentBytes) + " bytes");
  }
  std::size_t bytes = s.created_by.size() + s.comment.size();
  for (const auto& m : s.matchers) bytes += m.name().size() + m.value().size();
  if (bytes > kMaxSilenceBytes) {
    throw std::invalid_argument("the silence is larger than " + std::to_string(kMaxSilenceBytes) + " bytes");
  }
}

std::string Silences::insert_locked(Silence s, TimestampMs now) {
  const auto live = std::count_if(silences_.begin(), silences_.end(), [now](const auto& kv) { return kv.second.ends_at > now; });
  if (static_cast<std::size_t>(live) >= kMaxActiveSilences) {
    throw std::invalid_argument("there are already " + std::to_string(kMaxActiveSilences) +
                                " active or pending silences; expire some first");
  }
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng_()),
                static_cast<unsigned long long>(rng_()));
  s.id = buf;
  s.updated_at = now;
  if (store_) store_->save(s);
  silences_[s.id] = s;
  return s.id;
}

std::string Silences::add(Silence s) {
  const TimestampMs now = clock_.now_ms();
  validate(s, now);
  std::unique_lock<std::mutex> lock(mu_);
  const std::string id = insert_locked(std::move(s), now);
  const Silence created = silences_.at(id);
  lock.unlock();
  if (listener_) listener_(created, SilenceChange::created);
  return id;
}

namespace {

bool same_matchers(const notify::Matchers& a, const notify::Matchers& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const notify::Matcher& x, const notify::Matcher& y) {
    return x.name() == y.name() && x.op() == y.op() && x.value() == y.value();
  });
}

// Alertmanager's canUpdate: whether `next` may replace `prev` under the same id at `now`.
bool can_update(const Silence& prev, const Silence& next, TimestampMs now) {
  if (!same_matchers(prev.matchers, next.matchers)) return false;
  const std::string state = silence_state(prev, now);
  if (state == "active") {
    // Alertmanager compares the starts to the second (its clients round-trip RFC 3339 text).
    const auto seconds = [](TimestampMs t) { return t >= 0 ? t / 1000 : (t - 999) / 1000; };
    return seconds(next.starts_at) == seconds(prev.starts_at) && next.ends_at >= now;
  }
  if (state == "pending") return next.starts_at >= now;
  return false;
}

}  // namespace

std::string Silences::set(Silence s) {
  const TimestampMs now = clock_.now_ms();
  validate(s, now);
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<Silence> expired_old;
  if (!s.id.empty()) {
    auto it = silences_.find(s.id);
    if (it == silences_.end()) throw SilenceNotFound("silence " + s.id + " not found");
    Silence& prev = it->second;
    if (can_update(prev, s, now)) {
      s.updated_at = now;
      if (store_) store_->save(s);
      prev = s;
      lock.unlock();
      if (listener_) listener_(s, SilenceChange::created);
      return s.id;
    }
    if (prev.ends_at > now) {  // expire the old one, as expire() does
      Silence expired = prev;
      expired.ends_at = now;
      if (expired.starts_at > now) expired.starts_at = now;
      expired.updated_at = now;
      if (store_) store_->save(expired);
      expired_old = expired;
      prev = std::move(expired);
    }
  }
  if (s.starts_at < now) s.starts_at = now;
  const std::string id = insert_locked(std::move(s), now);
  const Silence created = silences_.at(id);
  lock.unlock();
  if (listener_ && expired_old) listener_(*expired_old, SilenceChange::expired);
  if (listener_) listener_(created, SilenceChange::created);
  return id;
}

bool Silences::expire(const std::string& id) {
  const TimestampMs now = clock_.now_ms();
  std::unique_lock<std::mutex> lock(mu_);
  auto it = silences_.find(id);
  if (it == silences_.end() || it->second.ends_at <= now) return false;
  it->second.ends_at = now;
  if (it->second.starts_at > now) it->second.starts_at = now;
  it->second.updated_at = now;
  if (store_) store_->save(it->second);
  const Silence expired = it->second;
  lock.unlock();
  if (listener_) listener_(expired, SilenceChange::expired);
  return true;
}

std::optional<Silence> Silences::get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = silences_.find(id);
  if (it == silences_.end()) return std::nullopt;
  return it->second;
}

std::vector<Silence> Silences::list() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Silence> out;
  for (const auto& [id, s] : silences_) out.push_back(s);
  std::sort(out.begin(), out.end(), [](const Silence& a, const Silence& b) {
    return a.updated_at != b.updated_at ? a.updated_at > b.updated_at : a.id < b.id;
  });
  return out;
}

bool Silences::mutes(const Labels& labels, TimestampMs now) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, s] : silences_) {
    if (s.starts_at <= now && now < s.ends_at && notify::matches_all(s.matchers, labels)) return true;
  }
  return false;
}

bool Silences::muted_during(const Labels& labels, TimestampMs from, TimestampMs to) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, s] : silences_) {
    if (s.starts_at <= to && from < s.ends_at && notify::matches_all(s.matchers, labels)) return true;
  }
  return false;
}

}  // namespace twikit::silence
