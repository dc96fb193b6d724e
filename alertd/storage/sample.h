#pragma once
// One float sample and the Prometheus staleness marker.

#include <cstdint>
#include <cstring>

#include "common/clock.h"

namespace twikit::storage {

/// The bit pattern Prometheus uses for a staleness marker (a NaN distinct from ordinary NaN).
inline constexpr std::uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

/// A staleness marker value: write it as a sample to end a series explicitly.
inline double stale_marker() {
  double v;
  std::memcpy(&v, &kStaleNaNBits, sizeof v);
  return v;
}

/// Whether `v` carries exactly the staleness-marker bit pattern (ordinary NaN is not a marker).
inline bool is_stale_marker(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == kStaleNaNBits;
}

/// One float sample: timestamp in milliseconds and value.
struct Sample {
  TimestampMs t = 0;  ///< Milliseconds since the Unix epoch.
  double v = 0;       ///< The value; may be a staleness marker.
};

}  // namespace twikit::storage
