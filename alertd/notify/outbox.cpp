#include "alertd/notify/outbox.h"

namespace twikit::notify {

std::int64_t MemoryOutbox::add(const OutboxEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  OutboxEntry e = entry;
  e.id = next_id_++;
  pending_[e.id] = e;
  return e.id;
}

void MemoryOutbox::mark_delivered(std::int64_t id, TimestampMs) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(id);
}

void MemoryOutbox::mark_failed(std::int64_t id, TimestampMs, const std::string&) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(id);
}

std::vector<OutboxEntry> MemoryOutbox::pending() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<OutboxEntry> out;
  for (const auto& [id, e] : pending_) out.push_back(e);
  return out;
}

std::size_t MemoryOutbox::depth() {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

}  // namespace twikit::notify
