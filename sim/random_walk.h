#pragma once
// Seeded randomness for the simulated services: bounded random walks, counter increments, coin flips.

#include <cstdint>
#include <random>

namespace twikit::sim {

/// Draws every simulated value from one std::mt19937_64 stream, so a seed fixes the sequence. The engine's
/// output is fixed by the standard; the distributions are our own arithmetic (not <random>'s, whose results
/// differ between standard libraries), so a seed gives the same values everywhere.
/// Not thread-safe: each service document owns one.
class RandomWalk {
 public:
  /// Starts the stream from `seed`.
  explicit RandomWalk(std::uint64_t seed);

  /// A uniform real number in [lo, hi).
  double uniform(double lo, double hi);
  /// A uniform integer in [lo, hi] (both inclusive).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  /// True with probability `p`.
  bool chance(double p);

  /// Moves a gauge by a uniform step in [-step, step], reflected back into [lo, hi], rounded to 2 decimals.
  double gauge(double value, double lo, double hi, double step);
  /// Moves an integer gauge by a uniform step in [-step, step], clamped into [lo, hi].
  std::int64_t level(std::int64_t value, std::int64_t lo, std::int64_t hi, std::int64_t step);
  /// A counter increment in [lo, hi]; never negative.
  std::int64_t increment(std::int64_t lo, std::int64_t hi);

 private:
  std::mt19937_64 engine_;
};

/// Rounds `value` to two decimals, the precision the real services report.
double round2(double value);

/// Mixes `seed` and a stream number into an independent seed (splitmix64), one stream per service.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace twikit::sim
