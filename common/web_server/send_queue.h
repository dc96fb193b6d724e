#pragma once
// Inside the web server: the outgoing messages of one WebSocket or event-stream connection.

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

namespace twikit::web_detail {

/// The outgoing messages of one streaming connection: filled by any thread without blocking, drained by the
/// connection's write loop on its strand. Bounded in messages and bytes; a push beyond either bound drops the
/// queue and marks the connection closing (the caller closes it). Thread-safe.
class SendQueue {
 public:
  /// What became of a push.
  enum class Push {
    queued,                ///< Queued behind a write loop that is running.
    queued_start_writing,  ///< Queued, and the write loop was idle: the caller starts it.
    closed,                ///< Refused: the connection is closing.
    overflow,              ///< Refused: a bound was passed, the queue is dropped and the connection closing.
  };

  /// A queue of at most `max_messages` messages and `max_bytes` bytes.
  SendQueue(std::size_t max_messages, std::size_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

  /// Queues `message` (see Push).
  Push push(std::shared_ptr<const std::string> message);
  /// The message to write next, or nullptr when there is none (the write loop then stops until a push
  /// starts it again).
  std::shared_ptr<const std::string> next();
  /// Removes `written` (the front, unless the queue was dropped meanwhile).
  void pop(const std::shared_ptr<const std::string>& written);
  /// Marks the write loop as running (before the connection's first write that is not from the queue).
  void hold_writing();
  /// Refuses further pushes; false when that was already so.
  bool close();
  /// Refuses further pushes and drops what is queued.
  void drop();
  /// Whether the write loop is running.
  bool writing() const;

 private:
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // guarded by mu_; the front is being written
  std::size_t bytes_ = 0;                                 // guarded by mu_
  bool writing_ = false;                                  // guarded by mu_: a write loop is scheduled or running
  bool closing_ = false;                                  // guarded by mu_: pushes are refused
};

}  // namespace twikit::web_detail
