#include "alertd/history/series_key.h"

#include <string>

namespace twikit::history {
namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::uint64_t fnv(std::uint64_t h, const std::string& s) {
  for (const char c : s) {
    h ^= static_cast<std::uint8_t>(c);
    h *= kFnvPrime;
  }
  // 0xFF never occurs in UTF-8, so it separates names and values unambiguously.
  h ^= 0xFFU;
  h *= kFnvPrime;
  return h;
}

void put_string(std::vector<std::uint8_t>& out, const std::string& s) {
  std::size_t n = s.size();
  do {
    std::uint8_t b = n & 0x7F;
    n >>= 7;
    if (n != 0) b |= 0x80;
    out.push_back(b);
  } while (n != 0);
  out.insert(out.end(), s.begin(), s.end());
}

bool get_string(std::span<const std::uint8_t> bytes, std::size_t& pos, std::string& out) {
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= bytes.size() || shift > 28) return false;
    const std::uint8_t b = bytes[pos++];
    n |= static_cast<std::size_t>(b & 0x7FU) << shift;
    if ((b & 0x80) == 0) break;
  }
  if (n > bytes.size() - pos) return false;
  out.assign(reinterpret_cast<const char*>(bytes.data() + pos), n);
  pos += n;
  return true;
}

}  // namespace

std::uint64_t series_hash(const Labels& labels) {
  std::uint64_t h = kFnvOffset;
  for (const auto& [name, value] : labels) {
    h = fnv(h, name);
    h = fnv(h, value);
  }
  return h;
}

std::vector<std::uint8_t> encode_labels(const Labels& labels) {
  std::vector<std::uint8_t> out;
  for (const auto& [name, value] : labels) {
    put_string(out, name);
    put_string(out, value);
  }
  return out;
}

std::optional<Labels> decode_labels(std::span<const std::uint8_t> bytes) {
  Labels labels;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    Label label;
    if (!get_string(bytes, pos, label.first) || !get_string(bytes, pos, label.second)) return std::nullopt;
    if (!labels.empty() && labels.back().first >= label.first) return std::nullopt;  // must stay sorted
    labels.push_back(std::move(label));
  }
  return labels;
}

}  // namespace twikit::history
