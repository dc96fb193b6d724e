#include "alertd/live/event_buffer.h"

#include <algorithm>

namespace twikit::live {

void EventBuffer::push(LiveMessage message) {
  bytes_ += message.text->size();
  messages_.push_back(std::move(message));
  while (messages_.size() > 1 && (messages_.size() > max_messages_ || bytes_ > max_bytes_)) {
    bytes_ -= messages_.front().text->size();
    dropped_through_ = messages_.front().seq;
    messages_.pop_front();
  }
  if (max_messages_ == 0) {
    bytes_ = 0;
    dropped_through_ = messages_.front().seq;
    messages_.clear();
  }
}

std::vector<LiveMessage> EventBuffer::after(std::uint64_t since) const {
  const auto first = std::upper_bound(messages_.begin(), messages_.end(), since,
                                      [](std::uint64_t s, const LiveMessage& m) { return s < m.seq; });
  return {first, messages_.end()};
}

}  // namespace twikit::live
