#include "alertd/dashboard/health.h"

namespace twikit::dashboard {

const char* health_name(Health health) {
  switch (health) {
    case Health::healthy:
      return "healthy";
    case Health::unknown:
      return "unknown";
    case Health::degraded:
      return "degraded";
    case Health::unhealthy:
      return "unhealthy";
  }
  return "unknown";
}

}  // namespace twikit::dashboard
