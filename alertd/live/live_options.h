#pragma once
// What the live-update hub allows: clients, its replay buffer, each client's queue, pings and the token.

#include <chrono>
#include <cstddef>
#include <string>

namespace twikit::live {

/// The live hub's settings, as values; the defaults suit 1,000 dashboard clients.
struct LiveOptions {
  /// Connected clients beyond which a new one is refused with 503 (web.max_live_clients).
  std::size_t max_clients = 1000;
  /// Recent messages kept for clients that resume with `since`: at most this many ...
  std::size_t buffer_messages = 10'000;
  /// ... and at most this many bytes of message text.
  std::size_t buffer_bytes = 16 * 1024 * 1024;
  /// A client with this many messages not yet written is cut off as slow (close 1008) ...
  std::size_t client_queue_messages = 4096;
  /// ... or with this many bytes not yet written.
  std::size_t client_queue_bytes = 8 * 1024 * 1024;
  /// A client silent for this long is pinged, and closed when it does not answer within as long again.
  std::chrono::milliseconds ping_interval{30'000};
  /// When not empty, every client must present it (`Authorization: Bearer <token>` or `?token=<token>`).
  std::string bearer_token;
  /// A client message longer than this is answered with an error (one beyond 64 KiB closes with 1009).
  std::size_t max_client_message_bytes = 4096;
};

}  // namespace twikit::live
