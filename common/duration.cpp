#include "common/duration.h"

#include <charconv>
#include <limits>

namespace twikit {

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return 0;
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  // Order matters: "ms" must be tried before "m", and units must appear largest first.
  static constexpr Unit units[] = {{"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000},
                                   {"d", 24LL * 3600 * 1000},       {"h", 3600LL * 1000},
                                   {"ms", 1},                       {"m", 60LL * 1000},
                                   {"s", 1000}};
  std::int64_t total = 0;
  std::size_t pos = 0;
  std::int64_t last_unit_ms = 0;
  bool any = false;
  while (pos < text.size()) {
    std::size_t digits = pos;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == pos) return std::nullopt;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + digits, n);
    if (ec != std::errc() || end != text.data() + digits) return std::nullopt;  // beyond int64
    std::size_t matched = 0;
    for (std::size_t u = 0; u < std::size(units); ++u) {
      if (text.substr(digits, units[u].name.size()) == units[u].name) {
        if (any && units[u].ms >= last_unit_ms) return std::nullopt;  // largest unit first, once each
        // Out of range for int64 milliseconds, as Prometheus' "duration out of range".
        if (n > (std::numeric_limits<std::int64_t>::max() - total) / units[u].ms) return std::nullopt;
        total += n * units[u].ms;
        last_unit_ms = units[u].ms;
        matched = units[u].name.size();
        break;
      }
    }
    if (matched == 0) return std::nullopt;
    any = true;
    pos = digits + matched;
  }
  return total;
}

std::string format_duration_ms(std::int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  struct Unit {
    const char* name;
    std::int64_t ms;
  };
  static constexpr Unit units[] = {{"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000},
                                   {"d", 24LL * 3600 * 1000},       {"h", 3600LL * 1000},
                                   {"m", 60LL * 1000},              {"s", 1000},
                                   {"ms", 1}};
  for (const auto& u : units) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms) + u.name;
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace twikit
