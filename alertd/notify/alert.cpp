#include "alertd/notify/alert.h"

#include <cstdio>
#include <ctime>

namespace twikit::notify {

namespace {
constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;
constexpr char kSeparator = '\xff';

std::uint64_t fnv_add(std::uint64_t h, const std::string& s) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

std::uint64_t fnv_add_byte(std::uint64_t h, char c) {
  h ^= static_cast<unsigned char>(c);
  return h * kFnvPrime;
}

}  // namespace

Fingerprint fingerprint(const Labels& labels) {
  std::uint64_t h = kFnvOffset;
  for (const auto& [name, value] : labels) {
    h = fnv_add(h, name);
    h = fnv_add_byte(h, kSeparator);
    h = fnv_add(h, value);
    h = fnv_add_byte(h, kSeparator);
  }
  return h;
}

std::string fingerprint_hex(Fingerprint fp) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
  return buf;
}

bool parse_fingerprint_hex(const std::string& hex, Fingerprint& out) {
  if (hex.empty() || hex.size() > 16) return false;
  Fingerprint v = 0;
  for (const char c : hex) {
    int d = 0;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = (v << 4) | static_cast<Fingerprint>(d);
  }
  out = v;
  return true;
}

}  // namespace twikit::notify
