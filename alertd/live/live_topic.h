#pragma once
// The topics a live client subscribes to.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace twikit::live {

/// A stream of live messages.
enum class LiveTopic : std::size_t {
  /// The dashboard document, broadcast every update interval.
  dashboard = 0,
  /// Alert events: pending, firing, resolved, acknowledged, silenced, unsilenced, escalated.
  alerts = 1,
  /// Health status changes.
  health = 2,
};

/// How many topics there are.
inline constexpr std::size_t kLiveTopicCount = 3;

/// Every topic, in order.
inline constexpr std::array<LiveTopic, kLiveTopicCount> kLiveTopics{LiveTopic::dashboard, LiveTopic::alerts,
                                                                     LiveTopic::health};

/// The topic's name on the wire ("dashboard", "alerts", "health").
constexpr std::string_view topic_name(LiveTopic topic) {
  constexpr std::array<std::string_view, kLiveTopicCount> names{"dashboard", "alerts", "health"};
  return names[static_cast<std::size_t>(topic)];
}

/// The topic called `name`, or nullopt.
constexpr std::optional<LiveTopic> parse_topic(std::string_view name) {
  for (LiveTopic t : kLiveTopics) {
    if (topic_name(t) == name) return t;
  }
  return std::nullopt;
}

/// A set of topics.
using LiveTopicSet = std::array<bool, kLiveTopicCount>;

}  // namespace twikit::live
