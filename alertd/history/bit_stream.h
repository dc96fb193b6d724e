#pragma once
// The bit-level writer and bounds-checked reader under the chunk encodings.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace twikit::history {

/// Appends bits most-significant first into a growing byte buffer. Not thread-safe.
class BitWriter {
 public:
  /// Appends the low `count` bits of `value` (count 0…64), most-significant first.
  void write(std::uint64_t value, int count);
  /// Appends one bit.
  void write_bit(bool bit) { write(bit ? 1 : 0, 1); }
  /// The bytes written so far; the last byte is zero-padded.
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  /// How many bits have been written.
  std::size_t bit_count() const { return bits_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t bits_ = 0;
};

/// Reads bits most-significant first from a byte span and never past its end: a read that would
/// overrun returns false and leaves the reader exhausted. Not thread-safe.
class BitReader {
 public:
  /// Reads from `bytes`, which must outlive the reader.
  explicit BitReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  /// Reads `count` bits (0…64) into `out`; false when fewer remain. Inline, as read_ones().
  bool read(int count, std::uint64_t& out) {
    const std::size_t first_byte = pos_ / 8;
    if (count <= 0 || count > 56 || first_byte + 8 > bytes_.size()) return read_slow(count, out);
    // One big-endian 64-bit load holds the bits of the first byte already read and all `count` wanted.
    std::uint64_t word = 0;
    std::memcpy(&word, bytes_.data() + first_byte, sizeof word);
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    out = (word << (pos_ % 8)) >> (64 - count);
    pos_ += static_cast<std::size_t>(count);
    return true;
  }
  /// Reads one bit; false at the end.
  bool read_bit(bool& out) {
    if (pos_ >= bytes_.size() * 8) return false;
    out = ((bytes_[pos_ / 8] >> (7 - pos_ % 8)) & 1U) != 0;
    ++pos_;
    return true;
  }
  /// Reads a unary prefix: up to `max` (1…56) one bits and the zero bit that ends them when there are
  /// fewer than `max`; returns how many ones (0…max), or -1 when the data ends first. Inline: the chunk
  /// decoder calls it two or three times per sample.
  int read_ones(int max) {
    const std::size_t first_byte = pos_ / 8;
    if (max <= 0 || max > 56 || first_byte + 8 > bytes_.size()) return read_ones_slow(max);
    // One 64-bit load holds at least 57 unread bits, more than a prefix needs.
    std::uint64_t word = 0;
    std::memcpy(&word, bytes_.data() + first_byte, sizeof word);
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    const int ones = std::min(std::countl_one(word << (pos_ % 8)), max);
    pos_ += static_cast<std::size_t>(ones < max ? ones + 1 : ones);
    return ones;
  }
  /// How many bits are left.
  std::size_t remaining() const { return bytes_.size() * 8 - pos_; }

 private:
  bool read_slow(int count, std::uint64_t& out);
  int read_ones_slow(int max);

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace twikit::history
