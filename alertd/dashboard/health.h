#pragma once
// The three-level status the monitoring documents use, plus "unknown" for what has no data yet.

namespace twikit::dashboard {

/// A status: healthy, degraded, unhealthy, or unknown (no data to judge by).
enum class Health { healthy, unknown, degraded, unhealthy };

/// "healthy", "unknown", "degraded", "unhealthy".
const char* health_name(Health health);

/// The worse of two statuses, in the order healthy < unknown < degraded < unhealthy.
inline Health worse(Health a, Health b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

}  // namespace twikit::dashboard
