#include "alertd/notify/duration.h"

#include <array>
#include <utility>

namespace twikit::notify {

namespace {
constexpr std::int64_t kSecond = 1000;
constexpr std::array<std::pair<const char*, std::int64_t>, 8> kUnits{{{"y", 365 * 24 * 3600 * kSecond},
                                                                      {"w", 7 * 24 * 3600 * kSecond},
                                                                      {"d", 24 * 3600 * kSecond},
                                                                      {"h", 3600 * kSecond},
                                                                      {"m", 60 * kSecond},
                                                                      {"s", kSecond},
                                                                      {"ms", 1},
                                                                      {"", 0}}};
}  // namespace

std::optional<std::int64_t> parse_duration_ms(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return 0;
  std::size_t pos = 0;
  std::int64_t total = 0;
  std::size_t last_unit = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    std::int64_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      n = n * 10 + (text[pos] - '0');
      if (n > (std::int64_t{1} << 40)) return std::nullopt;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    std::size_t unit = 0;
    bool found = false;
    // "ms" must be tried before "m".
    if (text.compare(pos, 2, "ms") == 0) {
      unit = 6;
      pos += 2;
      found = true;
    } else {
      for (std::size_t u = 0; u < 6; ++u) {
        if (pos < text.size() && text[pos] == kUnits[u].first[0]) {
          unit = u;
          ++pos;
          found = true;
          break;
        }
      }
    }
    if (!found) return std::nullopt;
    if (total != 0 && unit <= last_unit) return std::nullopt;  // units must descend
    last_unit = unit;
    total += n * kUnits[unit].second;
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
  for (std::size_t u = 0; u < 7; ++u) {
    const std::int64_t unit = kUnits[u].second;
    if (ms >= unit) {
      out += std::to_string(ms / unit) + kUnits[u].first;
      ms %= unit;
    }
  }
  return out;
}

}  // namespace twikit::notify
