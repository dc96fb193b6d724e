#include "alertd/notify/nflog.h"

#include <algorithm>

namespace twikit::notify {

std::optional<NflogEntry> MemoryNotificationLog::last(const std::string& group_key, const std::string& integration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find({group_key, integration_id});
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void MemoryNotificationLog::record(const NflogEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[{entry.group_key, entry.integration_id}] = entry;
}

namespace {
bool subset(const std::set<Fingerprint>& part, const std::set<Fingerprint>& whole) {
  return std::includes(whole.begin(), whole.end(), part.begin(), part.end());
}
}  // namespace

bool needs_update(const std::optional<NflogEntry>& previous, const std::set<Fingerprint>& firing,
                  const std::set<Fingerprint>& resolved, bool send_resolved, TimestampMs now,
                  std::int64_t repeat_interval_ms, const std::set<Fingerprint>& resolved_notice) {
  bool new_notice = false;
  if (send_resolved) {
    for (const auto fp : resolved_notice) {
      if (!previous || !previous->resolved.count(fp)) new_notice = true;
    }
  }
  if (!previous) return !firing.empty() || new_notice;
  if (!subset(firing, previous->firing)) return true;
  if (firing.empty()) return !previous->firing.empty() || new_notice;
  if (send_resolved && !subset(resolved, previous->resolved)) return true;
  return previous->sent_at + repeat_interval_ms <= now;
}

}  // namespace twikit::notify
