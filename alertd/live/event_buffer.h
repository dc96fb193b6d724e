#pragma once
// The live hub's replay buffer: the most recent messages, bounded by count and by bytes, for clients that
// resume with the last sequence number they saw.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "alertd/live/live_topic.h"

namespace twikit::live {

/// One published message: its sequence number, topic and the text every client is sent.
struct LiveMessage {
  std::uint64_t seq = 0;
  LiveTopic topic = LiveTopic::alerts;
  std::shared_ptr<const std::string> text;
};

/// A FIFO of messages in sequence order that drops the oldest beyond its bounds. Not thread-safe (the hub
/// locks around it).
class EventBuffer {
 public:
  /// A buffer of at most `max_messages` messages and `max_bytes` bytes of text (the newest message is kept
  /// even when it alone is larger).
  EventBuffer(std::size_t max_messages, std::size_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

  /// Appends `message`, whose seq is larger than any before, and drops the oldest beyond the bounds.
  void push(LiveMessage message);
  /// Whether every message after `since` is still here (none after it has been dropped).
  bool covers_after(std::uint64_t since) const { return since >= dropped_through_; }
  /// The messages with seq > `since`, in order.
  std::vector<LiveMessage> after(std::uint64_t since) const;
  /// Messages held.
  std::size_t size() const { return messages_.size(); }
  /// Bytes of text held.
  std::size_t bytes() const { return bytes_; }
  /// The largest seq dropped so far (0 when none).
  std::uint64_t dropped_through() const { return dropped_through_; }

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::deque<LiveMessage> messages_;
  std::size_t bytes_ = 0;
  std::uint64_t dropped_through_ = 0;
};

}  // namespace twikit::live
