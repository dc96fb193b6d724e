#pragma once
// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) for chunk checksums.

#include <cstdint>
#include <span>

namespace twikit::history {

/// Continues a CRC-32 over `bytes`; start with crc = 0. Thread-safe (pure).
std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);

}  // namespace twikit::history
