#pragma once
// The live-update hub behind /api/monitoring/ws: the rule thread publishes events and snapshots, the hub
// numbers them, keeps the recent ones for clients that resume, and fans them out to subscribed clients
// without ever waiting for one (docs/api-live.md). Knows WebSocket only through common/web_socket.h.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "alertd/live/event_buffer.h"
#include "alertd/live/live_options.h"
#include "alertd/live/live_topic.h"
#include "common/clock.h"
#include "common/exposition.h"
#include "common/web_socket.h"

namespace twikit::live {

/// What a client asked for in its handshake URL (`?topics=…&since=…`), applied as its first subscribe.
struct LiveSubscription {
  LiveTopicSet topics{};
  std::optional<std::uint64_t> since;
};

/// The hub's counts so far; all cumulative except clients and the buffer's.
struct LiveHubStats {
  std::uint64_t clients = 0;
  std::uint64_t last_seq = 0;
  std::array<std::uint64_t, kLiveTopicCount> published{};
  std::uint64_t messages_sent = 0;
  std::uint64_t clients_dropped_slow = 0;
  std::uint64_t clients_refused_limit = 0;
  std::uint64_t clients_refused_unauthorized = 0;
  std::uint64_t resumes_replayed = 0;
  std::uint64_t resumes_reset = 0;
  std::uint64_t client_errors = 0;
  std::uint64_t buffered_messages = 0;
  std::uint64_t buffered_bytes = 0;
};

/// Numbers, buffers and fans out live messages. Thread-safe: publish() and set_snapshot() from any thread
/// (the rule thread), client events from the web server's threads. One mutex orders publishing against
/// subscribing, so a resuming client gets every message once and in order; under it a publish costs one
/// non-blocking send per subscribed client (a queue push), never I/O. The hub must outlive the web server
/// that serves it (stop the server first). Copy and move are deleted.
class LiveHub {
 public:
  /// A hub with `options`, stamping events with `clock`'s time (which must outlive it).
  LiveHub(LiveOptions options, const Clock& clock);
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  /// Publishes `data` on `topic` as an event with the next sequence number, which it returns.
  std::uint64_t publish(LiveTopic topic, const nlohmann::json& data);
  /// Replaces `topic`'s latest full document, sent to clients that subscribe to it (and after a reset);
  /// it stands for the state as of the last sequence number published so far.
  void set_snapshot(LiveTopic topic, const nlohmann::json& data);

  /// A slot for a new client with `initial` as its first subscription, or nullptr when max_clients are
  /// connected (the slot is freed when the endpoint is destroyed, i.e. when its connection ends).
  std::shared_ptr<WebSocketEndpoint> open_client(LiveSubscription initial);
  /// Counts a client refused for a missing or wrong token.
  void count_unauthorized() { ++refused_unauthorized_; }

  /// The options the hub runs with.
  const LiveOptions& options() const { return options_; }
  /// The counts so far.
  LiveHubStats stats() const;
  /// Appends the hub's self metrics (`alertd_live_*`).
  void collect(std::vector<MetricFamily>& out) const;

 private:
  class Endpoint;
  struct Client {
    WebSocketConnection connection;
    LiveTopicSet topics{};
  };

  void attach(const WebSocketConnection& connection, const LiveSubscription& initial);
  void receive(const WebSocketConnection& connection, const std::string& text);
  void detach(const WebSocketConnection& connection);
  // The following run with mu_ held.
  void subscribe_locked(Client& client, const LiveTopicSet& topics, std::optional<std::uint64_t> since);
  void send_locked(Client& client, std::shared_ptr<const std::string> text);

  const LiveOptions options_;
  const Clock& clock_;
  std::atomic<std::uint64_t> slots_{0};  // clients admitted whose connection has not ended
  std::atomic<std::uint64_t> refused_limit_{0};
  std::atomic<std::uint64_t> refused_unauthorized_{0};

  mutable std::mutex mu_;
  std::uint64_t seq_ = 0;                                  // guarded by mu_
  EventBuffer buffer_;                                     // guarded by mu_
  struct Snapshot {
    std::uint64_t seq = 0;
    std::shared_ptr<const std::string> text;
  };
  std::array<std::optional<Snapshot>, kLiveTopicCount> snapshots_;  // guarded by mu_
  std::unordered_map<std::uint64_t, std::shared_ptr<Client>> clients_;  // by connection id; guarded by mu_
  std::array<std::uint64_t, kLiveTopicCount> published_{};  // guarded by mu_
  std::uint64_t sent_ = 0;                                 // guarded by mu_
  std::uint64_t dropped_slow_ = 0;                         // guarded by mu_
  std::uint64_t resumes_replayed_ = 0;                     // guarded by mu_
  std::uint64_t resumes_reset_ = 0;                        // guarded by mu_
  std::uint64_t client_errors_ = 0;                        // guarded by mu_
};

}  // namespace twikit::live
