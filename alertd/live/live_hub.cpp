#include "alertd/live/live_hub.h"

#include <variant>

#include "alertd/live/live_protocol.h"
#include "common/json_text.h"

namespace twikit::live {

// One client connection's endpoint: holds its slot, and hands its events to the hub.
class LiveHub::Endpoint final : public WebSocketEndpoint {
 public:
  Endpoint(LiveHub& hub, LiveSubscription initial) : hub_(hub), initial_(initial) {}
  ~Endpoint() override { --hub_.slots_; }
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  void on_open(const WebSocketConnection& connection) override { hub_.attach(connection, initial_); }
  void on_text(const WebSocketConnection& connection, std::string message) override { hub_.receive(connection, message); }
  void on_close(const WebSocketConnection& connection, int) override { hub_.detach(connection); }

 private:
  LiveHub& hub_;
  LiveSubscription initial_;
};

LiveHub::LiveHub(LiveOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), buffer_(options_.buffer_messages, options_.buffer_bytes) {}

std::uint64_t LiveHub::publish(LiveTopic topic, const nlohmann::json& data) {
  const std::string body = safe_dump(data);  // outside the lock: the costly part
  const TimestampMs now = clock_.now_ms();
  std::lock_guard lock(mu_);
  const std::uint64_t seq = ++seq_;
  std::string text = event_prefix(topic, seq, now);
  text.reserve(text.size() + body.size() + 1);
  text += body;
  text += '}';
  auto shared = std::make_shared<const std::string>(std::move(text));
  buffer_.push(LiveMessage{seq, topic, shared});
  ++published_[static_cast<std::size_t>(topic)];
  for (auto& [id, client] : clients_) {
    if (client->topics[static_cast<std::size_t>(topic)]) send_locked(*client, shared);
  }
  return seq;
}

void LiveHub::set_snapshot(LiveTopic topic, const nlohmann::json& data) {
  const std::string body = safe_dump(data);
  const TimestampMs now = clock_.now_ms();
  std::lock_guard lock(mu_);
  snapshots_[static_cast<std::size_t>(topic)] =
      Snapshot{seq_, std::make_shared<const std::string>(render_snapshot(topic, seq_, now, body))};
}

std::shared_ptr<WebSocketEndpoint> LiveHub::open_client(LiveSubscription initial) {
  if (slots_.fetch_add(1) >= options_.max_clients) {
    --slots_;
    ++refused_limit_;
    return nullptr;
  }
  return std::make_shared<Endpoint>(*this, initial);
}

void LiveHub::attach(const WebSocketConnection& connection, const LiveSubscription& initial) {
  auto client = std::make_shared<Client>();
  client->connection = connection;
  std::lock_guard lock(mu_);
  clients_[connection.id()] = client;
  bool any = false;
  for (bool b : initial.topics) any = any || b;
  if (any) subscribe_locked(*client, initial.topics, initial.since);
}

void LiveHub::detach(const WebSocketConnection& connection) {
  std::lock_guard lock(mu_);
  clients_.erase(connection.id());
}

void LiveHub::receive(const WebSocketConnection& connection, const std::string& text) {
  std::lock_guard lock(mu_);
  const auto it = clients_.find(connection.id());
  if (it == clients_.end()) return;
  Client& client = *it->second;
  if (text.size() > options_.max_client_message_bytes) {
    ++client_errors_;
    return send_locked(client, std::make_shared<const std::string>(render_error(
                                   "message too large: " + std::to_string(text.size()) + " bytes, at most " +
                                   std::to_string(options_.max_client_message_bytes))));
  }
  auto parsed = parse_client_message(text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ++client_errors_;
    return send_locked(client, std::make_shared<const std::string>(render_error(*error)));
  }
  const ClientMessage& msg = std::get<ClientMessage>(parsed);
  switch (msg.type) {
    case ClientMessage::Type::ping:
      return send_locked(client, std::make_shared<const std::string>(render_pong(seq_)));
    case ClientMessage::Type::subscribe:
      return subscribe_locked(client, msg.topics, msg.since);
    case ClientMessage::Type::unsubscribe:
      for (std::size_t t = 0; t < kLiveTopicCount; ++t) {
        if (msg.topics[t]) client.topics[t] = false;
      }
      return send_locked(client, std::make_shared<const std::string>(render_subscribed(client.topics, seq_)));
  }
}

// Subscribes `client` to `topics` it does not have yet and catches it up on them:
//  - with `since` still covered by the buffer: every buffered message of those topics after it;
//  - with `since` no longer covered (or from a previous run: larger than any seq): a reset notice, each
//    topic's snapshot, then the buffered messages of those topics newer than their snapshot;
//  - without `since`: each topic's snapshot, if one was set, and the buffered messages newer than it.
// A catch-up larger than half the client's queue would get the client cut off as slow at once: a resume
// that large becomes a reset, and a reset that large sends only the newest messages that fit.
// Then the acknowledgement; everything after it is live, sent by publish() under the same lock.
void LiveHub::subscribe_locked(Client& client, const LiveTopicSet& topics, std::optional<std::uint64_t> since) {
  LiveTopicSet added{};
  for (std::size_t t = 0; t < kLiveTopicCount; ++t) added[t] = topics[t] && !client.topics[t];

  // The buffered messages to send: per added topic, those after its starting point.
  auto catch_up = [&](bool resume) {
    std::array<std::optional<std::uint64_t>, kLiveTopicCount> after{};
    for (std::size_t t = 0; t < kLiveTopicCount; ++t) {
      if (!added[t]) continue;
      if (resume) {
        after[t] = *since;
      } else if (snapshots_[t]) {
        after[t] = snapshots_[t]->seq;
      } else if (since) {
        after[t] = 0;  // reset with no snapshot: whatever is still buffered
      }
    }
    std::uint64_t from = seq_;
    for (const auto& a : after) {
      if (a && *a < from) from = *a;
    }
    std::vector<LiveMessage> out;
    for (LiveMessage& m : buffer_.after(from)) {
      const auto& a = after[static_cast<std::size_t>(m.topic)];
      if (a && m.seq > *a) out.push_back(std::move(m));
    }
    return out;
  };
  auto bytes_of = [](const std::vector<LiveMessage>& messages) {
    std::size_t n = 0;
    for (const auto& m : messages) n += m.text->size();
    return n;
  };
  const std::size_t max_messages = options_.client_queue_messages / 2;
  const std::size_t max_bytes = options_.client_queue_bytes / 2;
  auto too_big = [&](const std::vector<LiveMessage>& messages) {
    return messages.size() > max_messages || bytes_of(messages) > max_bytes;
  };

  bool resume = since && *since <= seq_ && buffer_.covers_after(*since);
  std::vector<LiveMessage> replay = catch_up(resume);
  if (resume && too_big(replay)) {
    resume = false;
    replay = catch_up(false);
  }
  std::size_t first = 0;
  for (std::size_t bytes = bytes_of(replay); replay.size() - first > max_messages || bytes > max_bytes; ++first) {
    bytes -= replay[first].text->size();  // keep the newest that fit
  }

  if (since) {
    if (resume) {
      ++resumes_replayed_;
    } else {
      ++resumes_reset_;
      send_locked(client, std::make_shared<const std::string>(render_reset(seq_)));
    }
  }
  if (!resume) {
    for (std::size_t t = 0; t < kLiveTopicCount; ++t) {
      if (added[t] && snapshots_[t]) send_locked(client, snapshots_[t]->text);
    }
  }
  for (std::size_t i = first; i < replay.size(); ++i) send_locked(client, replay[i].text);
  for (std::size_t t = 0; t < kLiveTopicCount; ++t) client.topics[t] = client.topics[t] || added[t];
  send_locked(client, std::make_shared<const std::string>(render_subscribed(client.topics, seq_)));
}

void LiveHub::send_locked(Client& client, std::shared_ptr<const std::string> text) {
  switch (client.connection.send(std::move(text))) {
    case WebSocketSend::queued:
      ++sent_;
      break;
    case WebSocketSend::overflow:
      ++dropped_slow_;
      client.topics = {};  // closing: send it nothing more
      break;
    case WebSocketSend::closed:
      client.topics = {};
      break;
  }
}

LiveHubStats LiveHub::stats() const {
  LiveHubStats s;
  s.clients_refused_limit = refused_limit_.load();
  s.clients_refused_unauthorized = refused_unauthorized_.load();
  std::lock_guard lock(mu_);
  s.clients = clients_.size();
  s.last_seq = seq_;
  s.published = published_;
  s.messages_sent = sent_;
  s.clients_dropped_slow = dropped_slow_;
  s.resumes_replayed = resumes_replayed_;
  s.resumes_reset = resumes_reset_;
  s.client_errors = client_errors_;
  s.buffered_messages = buffer_.size();
  s.buffered_bytes = buffer_.bytes();
  return s;
}

void LiveHub::collect(std::vector<MetricFamily>& out) const {
  const LiveHubStats s = stats();
  auto single = [&out](std::string name, std::string help, MetricType type, double value) {
    out.push_back({std::move(name), std::move(help), type, {MetricSample{{}, value, "", std::nullopt}}});
  };
  single("alertd_live_clients", "Live-update clients connected (WebSocket).", MetricType::gauge,
         static_cast<double>(s.clients));
  single("alertd_live_last_sequence", "The sequence number of the last message published.", MetricType::gauge,
         static_cast<double>(s.last_seq));
  MetricFamily published{"alertd_live_messages_published_total", "Live messages published, per topic.",
                         MetricType::counter, {}};
  for (LiveTopic t : kLiveTopics) {
    published.samples.push_back(MetricSample{Labels{{"topic", std::string(topic_name(t))}},
                                             static_cast<double>(s.published[static_cast<std::size_t>(t)]), "",
                                             std::nullopt});
  }
  out.push_back(std::move(published));
  single("alertd_live_messages_sent_total", "Messages queued to live clients (events, snapshots, answers).",
         MetricType::counter, static_cast<double>(s.messages_sent));
  single("alertd_live_clients_dropped_slow_total",
         "Live clients cut off because their outgoing queue was full (too slow to read).", MetricType::counter,
         static_cast<double>(s.clients_dropped_slow));
  MetricFamily refused{"alertd_live_clients_refused_total", "Live clients refused at the handshake, by reason.",
                       MetricType::counter, {}};
  refused.samples.push_back(
      MetricSample{Labels{{"reason", "limit"}}, static_cast<double>(s.clients_refused_limit), "", std::nullopt});
  refused.samples.push_back(MetricSample{Labels{{"reason", "unauthorized"}},
                                         static_cast<double>(s.clients_refused_unauthorized), "", std::nullopt});
  out.push_back(std::move(refused));
  MetricFamily resumes{"alertd_live_resumes_total",
                       "Subscriptions with `since`: replayed from the buffer, or reset to snapshots.",
                       MetricType::counter, {}};
  resumes.samples.push_back(
      MetricSample{Labels{{"result", "replayed"}}, static_cast<double>(s.resumes_replayed), "", std::nullopt});
  resumes.samples.push_back(
      MetricSample{Labels{{"result", "reset"}}, static_cast<double>(s.resumes_reset), "", std::nullopt});
  out.push_back(std::move(resumes));
  single("alertd_live_client_errors_total", "Client messages answered with an error (bad JSON, unknown topic, too large).",
         MetricType::counter, static_cast<double>(s.client_errors));
  single("alertd_live_buffer_messages", "Messages held for resuming clients.", MetricType::gauge,
         static_cast<double>(s.buffered_messages));
  single("alertd_live_buffer_bytes", "Bytes of message text held for resuming clients.", MetricType::gauge,
         static_cast<double>(s.buffered_bytes));
}

}  // namespace twikit::live
