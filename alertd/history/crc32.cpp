#include "alertd/history/crc32.h"

#include <algorithm>

#include <zlib.h>

namespace twikit::history {

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc) {
  // zlib's CRC-32 is this polynomial with the same pre- and post-inversion, computed several bytes at a
  // time: a chunk's checksum is verified on every read, so the byte-at-a-time table showed in profiles.
  uLong c = crc;
  std::span<const std::uint8_t> rest = bytes;
  while (!rest.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(rest.size(), 1U << 30));
    c = ::crc32(c, rest.data(), n);
    rest = rest.subspan(n);
  }
  return static_cast<std::uint32_t>(c);
}

}  // namespace twikit::history
