#pragma once
// Exponential backoff with jitter for retryable delivery failures.

#include <cstdint>
#include <random>

namespace twikit::notify {

/// How failed deliveries are retried.
struct RetryPolicy {
  std::int64_t initial_backoff_ms = 500;   ///< Delay before the first retry.
  std::int64_t max_backoff_ms = 60'000;    ///< Cap on one delay.
  double multiplier = 2.0;                 ///< Growth per attempt.
  double jitter = 0.2;                     ///< Each delay is scaled by a random factor in [1-jitter, 1+jitter].
  std::int64_t max_elapsed_ms = 600'000;   ///< Give up when retrying would pass this much time.
};

/// The delay before retry number `attempt` (1 = first retry). A server's Retry-After (`retry_after_ms` >= 0)
/// replaces the computed delay, capped at max_elapsed_ms.
std::int64_t backoff_delay_ms(const RetryPolicy& policy, int attempt, std::int64_t retry_after_ms, std::mt19937_64& rng);

}  // namespace twikit::notify
