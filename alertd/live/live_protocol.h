#pragma once
// The live protocol's messages (docs/api-live.md): client messages parsed without trusting them, server
// messages written as JSON text. Pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "alertd/live/live_topic.h"
#include "common/clock.h"

namespace twikit::live {

/// A client's request: subscribe (optionally resuming after `since`), unsubscribe, or ping.
struct ClientMessage {
  /// What the client asks for.
  enum class Type { subscribe, unsubscribe, ping };
  Type type = Type::ping;
  /// The topics named (subscribe and unsubscribe).
  LiveTopicSet topics{};
  /// The last sequence number the client saw (subscribe only).
  std::optional<std::uint64_t> since;
};

/// Parses one client message; a message that is not one of the three, or names an unknown topic, gives the
/// error text to send back.
std::variant<ClientMessage, std::string> parse_client_message(std::string_view text);

/// Parses a comma-separated topic list ("alerts,health"); the error names the first unknown topic.
std::variant<LiveTopicSet, std::string> parse_topic_list(std::string_view text);

/// Parses a sequence number (decimal digits, no sign); nullopt when malformed.
std::optional<std::uint64_t> parse_seq(std::string_view text);

/// The front of an event message up to its data: `{"type":"event","topic":T,"seq":N,"time":"…","data":`;
/// the caller appends the data's JSON text and "}".
std::string event_prefix(LiveTopic topic, std::uint64_t seq, TimestampMs time);

/// `{"type":"snapshot","topic":T,"seq":N,"time":"…","data":<data_json>}`.
std::string render_snapshot(LiveTopic topic, std::uint64_t seq, TimestampMs time, std::string_view data_json);

/// `{"type":"subscribed","topics":[…],"seq":N}`: the client's topics now, and the last sequence number
/// already delivered or skipped; what follows is live.
std::string render_subscribed(const LiveTopicSet& topics, std::uint64_t seq);

/// `{"type":"reset","seq":N}`: the messages after the client's `since` are no longer all held.
std::string render_reset(std::uint64_t seq);

/// `{"type":"pong","seq":N}`, the answer to a client's ping.
std::string render_pong(std::uint64_t seq);

/// `{"type":"error","error":…}`.
std::string render_error(std::string_view error);

}  // namespace twikit::live
