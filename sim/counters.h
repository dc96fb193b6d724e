#pragma once
// Counts split by a key (a status code, a method and a code, ...), read by the sim's /metrics.

#include <cstdint>
#include <map>
#include <mutex>

namespace twikit::sim {

/// Counts events by `Key`. Thread-safe: add() and snapshot() hold one mutex only for the update or the copy.
template <typename Key>
class KeyedCounter {
 public:
  /// Adds one to the count of `key`.
  void add(const Key& key) {
    std::lock_guard lock(mu_);
    ++counts_[key];
  }

  /// A copy of every count so far, ordered by key.
  std::map<Key, std::uint64_t> snapshot() const {
    std::lock_guard lock(mu_);
    return counts_;
  }

 private:
  mutable std::mutex mu_;
  std::map<Key, std::uint64_t> counts_;
};

}  // namespace twikit::sim
