#pragma once
// Time as an injected dependency: production code reads a Clock, tests drive a FakeClock.

#include <atomic>
#include <cstdint>
#include <chrono>

namespace twikit {

/// Wall-clock time in milliseconds since the Unix epoch, the unit every timestamp in the project uses.
using TimestampMs = std::int64_t;

/// A source of the current time; read it once per tick and pass the value down.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The current wall-clock time in milliseconds since the Unix epoch.
  virtual TimestampMs now_ms() const = 0;
  /// A monotonic reading in nanoseconds for measuring durations; unrelated to wall-clock time.
  virtual std::int64_t monotonic_ns() const = 0;
};

/// The real clock (std::chrono::system_clock and steady_clock). Thread-safe.
class SystemClock final : public Clock {
 public:
  TimestampMs now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t monotonic_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

/// A clock that only moves when told to; both readings advance together. Thread-safe.
class FakeClock final : public Clock {
 public:
  /// Starts the fake clock at `start_ms` milliseconds since the epoch.
  explicit FakeClock(TimestampMs start_ms = 0) : now_ms_(start_ms) {}
  TimestampMs now_ms() const override { return now_ms_.load(); }
  std::int64_t monotonic_ns() const override { return now_ms_.load() * 1'000'000; }
  /// Moves time forward by `delta_ms` milliseconds.
  void advance_ms(std::int64_t delta_ms) { now_ms_ += delta_ms; }
  /// Sets the current time to `t_ms`.
  void set_ms(TimestampMs t_ms) { now_ms_ = t_ms; }

 private:
  std::atomic<TimestampMs> now_ms_;
};

}  // namespace twikit
