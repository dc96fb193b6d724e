#include "alertd/notify/retry.h"

#include <algorithm>
#include <cmath>

namespace twikit::notify {

std::int64_t backoff_delay_ms(const RetryPolicy& p, int attempt, std::int64_t retry_after_ms, std::mt19937_64& rng) {
  if (retry_after_ms >= 0) return std::min(retry_after_ms, p.max_elapsed_ms);
  double d = static_cast<double>(p.initial_backoff_ms) * std::pow(p.multiplier, std::max(0, attempt - 1));
  d = std::min(d, static_cast<double>(p.max_backoff_ms));
  if (p.jitter > 0) {
    std::uniform_real_distribution<double> dist(1.0 - p.jitter, 1.0 + p.jitter);
    d *= dist(rng);
  }
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(d));
}

}  // namespace twikit::notify
