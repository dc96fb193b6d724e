#include "alertd/live/live_protocol.h"

#include <charconv>

#include "common/json_text.h"
#include "common/rfc3339.h"

namespace twikit::live {
namespace {

// A JSON string literal for `text` (quotes included), invalid UTF-8 replaced.
std::string json_quoted(std::string_view text) { return safe_dump(nlohmann::json(std::string(text))); }

}  // namespace

std::optional<std::uint64_t> parse_seq(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::variant<LiveTopicSet, std::string> parse_topic_list(std::string_view text) {
  LiveTopicSet set{};
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    const auto topic = parse_topic(name);
    if (!topic) return "unknown topic " + json_quoted(name);
    set[static_cast<std::size_t>(*topic)] = true;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return set;
}

std::variant<ClientMessage, std::string> parse_client_message(std::string_view text) {
  const nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return std::string("invalid JSON");
  if (!doc.is_object()) return std::string("a message is a JSON object");
  const auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) return std::string("\"type\" must be a string");
  ClientMessage msg;
  const auto& name = type->get_ref<const std::string&>();
  if (name == "ping") {
    msg.type = ClientMessage::Type::ping;
    return msg;
  }
  if (name == "subscribe") {
    msg.type = ClientMessage::Type::subscribe;
  } else if (name == "unsubscribe") {
    msg.type = ClientMessage::Type::unsubscribe;
  } else {
    return "unknown message type " + json_quoted(name) + " (subscribe, unsubscribe or ping)";
  }
  const auto topics = doc.find("topics");
  if (topics == doc.end() || !topics->is_array() || topics->empty()) {
    return std::string("\"topics\" must be a non-empty array of topic names");
  }
  for (const auto& t : *topics) {
    if (!t.is_string()) return std::string("\"topics\" must be a non-empty array of topic names");
    const auto topic = parse_topic(t.get_ref<const std::string&>());
    if (!topic) return "unknown topic " + json_quoted(t.get_ref<const std::string&>()) + " (dashboard, alerts or health)";
    msg.topics[static_cast<std::size_t>(*topic)] = true;
  }
  if (const auto since = doc.find("since"); since != doc.end() && !since->is_null()) {
    if (msg.type != ClientMessage::Type::subscribe) return std::string("\"since\" belongs to subscribe");
    if (!since->is_number_unsigned()) return std::string("\"since\" must be a sequence number (an integer >= 0)");
    msg.since = since->get<std::uint64_t>();
  }
  return msg;
}

namespace {

// `{"type":"<type>","topic":…,"seq":…,"time":…,"data":` — an event or a snapshot up to its data.
std::string data_message_prefix(std::string_view type, LiveTopic topic, std::uint64_t seq, TimestampMs time) {
  std::string out = R"({"type":")";
  out += type;
  out += R"(","topic":")";
  out += topic_name(topic);
  out += R"(","seq":)";
  out += std::to_string(seq);
  out += R"(,"time":")";
  out += format_rfc3339(time);
  out += R"(","data":)";
  return out;
}

}  // namespace

std::string event_prefix(LiveTopic topic, std::uint64_t seq, TimestampMs time) {
  return data_message_prefix("event", topic, seq, time);
}

std::string render_snapshot(LiveTopic topic, std::uint64_t seq, TimestampMs time, std::string_view data_json) {
  std::string out = data_message_prefix("snapshot", topic, seq, time);
  out += data_json;
  out += '}';
  return out;
}

std::string render_subscribed(const LiveTopicSet& topics, std::uint64_t seq) {
  std::string out = R"({"type":"subscribed","topics":[)";
  bool first = true;
  for (LiveTopic t : kLiveTopics) {
    if (!topics[static_cast<std::size_t>(t)]) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += topic_name(t);
    out += '"';
  }
  out += R"(],"seq":)";
  out += std::to_string(seq);
  out += '}';
  return out;
}

std::string render_reset(std::uint64_t seq) { return R"({"type":"reset","seq":)" + std::to_string(seq) + "}"; }

std::string render_pong(std::uint64_t seq) { return R"({"type":"pong","seq":)" + std::to_string(seq) + "}"; }

std::string render_error(std::string_view error) { return R"({"type":"error","error":)" + json_quoted(error) + "}"; }

}  // namespace twikit::live
