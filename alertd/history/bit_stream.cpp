#include "alertd/history/bit_stream.h"

#include <bit>
#include <cstring>

namespace twikit::history {

void BitWriter::write(std::uint64_t value, int count) {
  while (count > 0) {
    const int used = static_cast<int>(bits_ % 8);
    if (used == 0) bytes_.push_back(0);
    const int room = 8 - used;
    const int take = count < room ? count : room;
    // The next `take` bits of value, from its top end.
    const auto chunk = static_cast<std::uint8_t>((value >> (count - take)) & ((1U << take) - 1));
    bytes_.back() = static_cast<std::uint8_t>(bytes_.back() | (chunk << (room - take)));
    bits_ += static_cast<std::size_t>(take);
    count -= take;
  }
}

bool BitReader::read_slow(int count, std::uint64_t& out) {
  if (count < 0 || count > 64 || static_cast<std::size_t>(count) > remaining()) {
    pos_ = bytes_.size() * 8;
    return false;
  }
  std::uint64_t value = 0;
  while (count > 0) {
    const int used = static_cast<int>(pos_ % 8);
    const int room = 8 - used;
    const int take = count < room ? count : room;
    const unsigned byte = bytes_[pos_ / 8];
    const unsigned chunk = (byte >> (room - take)) & ((1U << take) - 1);
    value = (take == 64 ? 0 : value << take) | chunk;
    pos_ += static_cast<std::size_t>(take);
    count -= take;
  }
  out = value;
  return true;
}

int BitReader::read_ones_slow(int max) {
  // Near the end of the data (or an unusual max): bit by bit.
  int ones = 0;
  bool bit = true;
  while (ones < max) {
    if (!read_bit(bit)) return -1;
    if (!bit) break;
    ++ones;
  }
  return ones;
}

}  // namespace twikit::history
