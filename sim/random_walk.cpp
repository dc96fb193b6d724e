#include "sim/random_walk.h"

#include <algorithm>
#include <cmath>

namespace twikit::sim {

RandomWalk::RandomWalk(std::uint64_t seed) : engine_(seed) {}

double RandomWalk::uniform(double lo, double hi) {
  // 53 random bits give every representable double in [0, 1) with equal spacing.
  const double unit = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  return lo + (hi - lo) * unit;
}

std::int64_t RandomWalk::uniform_int(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(engine_() % span);
}

bool RandomWalk::chance(double p) { return uniform(0.0, 1.0) < p; }

double RandomWalk::gauge(double value, double lo, double hi, double step) {
  double next = value + uniform(-step, step);
  if (next > hi) next = hi - (next - hi);
  if (next < lo) next = lo + (lo - next);
  return round2(std::clamp(next, lo, hi));
}

std::int64_t RandomWalk::level(std::int64_t value, std::int64_t lo, std::int64_t hi, std::int64_t step) {
  return std::clamp(value + uniform_int(-step, step), lo, hi);
}

std::int64_t RandomWalk::increment(std::int64_t lo, std::int64_t hi) {
  return std::max<std::int64_t>(0, uniform_int(lo, hi));
}

double round2(double value) { return std::round(value * 100.0) / 100.0; }

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace twikit::sim
