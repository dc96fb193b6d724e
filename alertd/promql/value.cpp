#include "alertd/promql/value.h"

#include <charconv>
#include <cmath>

namespace twikit::promql {

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::none: return "none";
    case ValueType::scalar: return "scalar";
    case ValueType::vector: return "instant vector";
    case ValueType::matrix: return "range vector";
    case ValueType::string: return "string";
  }
  return "none";
}

std::string format_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, p);
}

}  // namespace twikit::promql
