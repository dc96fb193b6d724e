#include "alertd/dashboard/json_values.h"

#include <cmath>
#include <cstdint>

#include "common/rfc3339.h"

namespace twikit::dashboard {

Json number_json(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  const double v = *value;
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (v == std::trunc(v) && std::fabs(v) < kExactIntegers) return static_cast<std::int64_t>(v);
  return v;
}

Json time_json(std::optional<TimestampMs> t) {
  if (!t) return nullptr;
  return format_rfc3339(*t);
}

Json bool_json(std::optional<bool> value) {
  if (!value) return nullptr;
  return *value;
}

}  // namespace twikit::dashboard
