#pragma once
// The bit-level writer and bounds-checked reader under the chunk encodings.

#include <cstddef>
#include <cstdint>
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
  /// Reads `count` bits (0…64) into `out`; false when fewer remain.
  bool read(int count, std::uint64_t& out);
  /// Reads one bit; false at the end.
  bool read_bit(bool& out) {
    if (pos_ >= bytes_.size() * 8) return false;
    out = ((bytes_[pos_ / 8] >> (7 - pos_ % 8)) & 1U) != 0;
    ++pos_;
    return true;
  }
  /// How many bits are left.
  std::size_t remaining() const { return bytes_.size() * 8 - pos_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace twikit::history
