#include "alertd/history/chunk.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "alertd/history/crc32.h"

namespace twikit::history {
namespace {

constexpr std::size_t kMaxEntries = 65535;
constexpr std::size_t kHeaderFixed = 5;  // encoding byte + CRC-32

// Delta-of-delta classes: a prefix of 1s ended by a 0 (the last class has no terminating 0), then a
// two's-complement payload of the class's width. Most scrapes land in the first class (exact interval)
// or the second (a few milliseconds of jitter).
struct DodClass {
  int prefix_bits;
  std::uint64_t prefix;
  int width;
};
constexpr DodClass kDodClasses[] = {{2, 0b10, 7}, {3, 0b110, 14}, {4, 0b1110, 20}, {4, 0b1111, 64}};

bool fits_signed(std::int64_t v, int width) {
  if (width >= 64) return true;
  const std::int64_t lo = -(std::int64_t{1} << (width - 1));
  const std::int64_t hi = (std::int64_t{1} << (width - 1)) - 1;
  return v >= lo && v <= hi;
}

std::int64_t sign_extend(std::uint64_t v, int width) {
  if (width >= 64) return static_cast<std::int64_t>(v);
  const std::uint64_t sign = std::uint64_t{1} << (width - 1);
  return static_cast<std::int64_t>((v ^ sign) - sign);
}

std::uint64_t double_bits(double v) { return std::bit_cast<std::uint64_t>(v); }

constexpr int kMaxScale = 6;
constexpr double kPow10[kMaxScale + 1] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

// Whether `v` is n / 10^scale to within one unit in the last place: sets the integer n and `ulp`, the
// difference of bit patterns (-1, 0 or +1) that turns the decoder's quotient n / 10^scale into v's very bits.
// Values computed as decimals by other arithmetic (a percentage divided by 100, a sum of decimals) often
// land one unit away from the quotient.
bool as_decimal(double v, int scale, std::int64_t& n, int& ulp) {
  if (scale < 0 || !std::isfinite(v)) return false;
  const double scaled = v * kPow10[scale];
  if (!(std::fabs(scaled) < 9007199254740992.0)) return false;  // 2^53: integers stay exact
  n = std::llround(scaled);
  const auto diff = static_cast<std::int64_t>(double_bits(v) - double_bits(static_cast<double>(n) / kPow10[scale]));
  if (diff < -1 || diff > 1 || (scale == 0 && diff != 0)) return false;  // integers are exact
  ulp = static_cast<int>(diff);
  return true;
}

// Integers a double holds exactly: 2^53.
constexpr std::int64_t kExactIntegers = std::int64_t{1} << 53;

// The fewest decimals (0…6) that represent `v` as above, or -1.
int decimal_scale(double v) {
  std::int64_t n = 0;
  int ulp = 0;
  for (int k = 0; k <= kMaxScale; ++k) {
    if (as_decimal(v, k, n, ulp)) return k;
  }
  return -1;
}

// Decimal-delta classes after the '111' code: a prefix, then a two's-complement payload.
constexpr DodClass kDecimalClasses[] = {{1, 0b0, 6}, {2, 0b10, 12}, {3, 0b110, 20}, {3, 0b111, 32}};

void put_leb128(std::vector<std::uint8_t>& out, std::uint64_t v) {
  do {
    std::uint8_t b = v & 0x7F;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
}

std::size_t leb128_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void put_le64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// The CRC of a chunk covers its first timestamp, the encoding byte, the count and the bit stream.
std::uint32_t chunk_crc(TimestampMs first_t, std::span<const std::uint8_t> encoding_byte,
                        std::span<const std::uint8_t> after_crc) {
  std::uint8_t t_bytes[8];
  put_le64(t_bytes, static_cast<std::uint64_t>(first_t));
  std::uint32_t crc = crc32(std::span<const std::uint8_t>(t_bytes, 8));
  crc = crc32(encoding_byte, crc);
  return crc32(after_crc, crc);
}

}  // namespace

int column_count(ChunkEncoding encoding) { return encoding == ChunkEncoding::aggregate ? 5 : 1; }

ChunkEncoder::ChunkEncoder(ChunkEncoding encoding)
    : encoding_(encoding),
      last_bits_(static_cast<std::size_t>(column_count(encoding)), 0),
      last_leading_(static_cast<std::size_t>(column_count(encoding)), -1),
      last_trailing_(static_cast<std::size_t>(column_count(encoding)), 0),
      scale_(static_cast<std::size_t>(column_count(encoding)), -1) {}

void ChunkEncoder::append(TimestampMs t, std::span<const double> values) {
  if (values.size() != last_bits_.size()) throw std::invalid_argument("chunk append: wrong column count");
  if (count_ >= kMaxEntries) throw std::invalid_argument("chunk append: chunk is full");
  if (count_ == 0) {
    first_t_ = t;
    for (std::size_t c = 0; c < values.size(); ++c) {
      last_bits_[c] = double_bits(values[c]);
      bits_.write(last_bits_[c], 64);
      scale_[c] = decimal_scale(values[c]);
    }
  } else {
    if (t <= last_t_) throw std::invalid_argument("chunk append: timestamps must increase");
    append_timestamp(t);
    for (std::size_t c = 0; c < values.size(); ++c) append_value(c, values[c]);
  }
  last_t_ = t;
  ++count_;
}

void ChunkEncoder::append_timestamp(TimestampMs t) {
  const std::int64_t delta = t - last_t_;
  const std::int64_t dod = delta - last_delta_;
  last_delta_ = delta;
  if (dod == 0) {
    bits_.write_bit(false);
    return;
  }
  for (const DodClass& cls : kDodClasses) {
    if (fits_signed(dod, cls.width)) {
      bits_.write(cls.prefix, cls.prefix_bits);
      const std::uint64_t payload = static_cast<std::uint64_t>(dod);
      bits_.write(cls.width >= 64 ? payload : payload & ((std::uint64_t{1} << cls.width) - 1), cls.width);
      return;
    }
  }
}

void ChunkEncoder::append_value(std::size_t column, double value) {
  const std::uint64_t bits = double_bits(value);
  const std::uint64_t prev_bits = last_bits_[column];
  last_bits_[column] = bits;
  if (bits == prev_bits) {
    bits_.write_bit(false);
    return;
  }
  int& scale = scale_[column];
  std::int64_t prev_n = 0;
  std::int64_t n = 0;
  int prev_ulp = 0;
  int ulp = 0;
  const bool prev_decimal = as_decimal(std::bit_cast<double>(prev_bits), scale, prev_n, prev_ulp);
  const bool value_decimal = as_decimal(value, scale, n, ulp);
  const bool decimal = prev_decimal && value_decimal;
  const std::int64_t diff = n - prev_n;
  const int decimal_at = scale;  // the scale the decoder will use for this value
  // A value that is decimal at the current scale cannot need more decimals (decimal_scale is the fewest).
  if (!value_decimal) scale = std::max(scale, decimal_scale(value));
  if (decimal) {
    for (const DodClass& cls : kDecimalClasses) {
      if (fits_signed(diff, cls.width)) {
        bits_.write(0b111, 3);
        bits_.write(cls.prefix, cls.prefix_bits);
        bits_.write(static_cast<std::uint64_t>(diff) & ((std::uint64_t{1} << cls.width) - 1), cls.width);
        if (decimal_at == 0) {
          // Integers: no correction.
        } else if (ulp == 0) {
          bits_.write_bit(false);
        } else {
          bits_.write(ulp > 0 ? 0b10 : 0b11, 2);
        }
        return;
      }
    }
  }
  const std::uint64_t x = bits ^ prev_bits;
  int leading = std::countl_zero(x);
  const int trailing = std::countr_zero(x);
  if (leading > 31) leading = 31;  // five bits hold the count
  int& prev_leading = last_leading_[column];
  int& prev_trailing = last_trailing_[column];
  if (prev_leading >= 0 && leading >= prev_leading && trailing >= prev_trailing) {
    // The significant bits fit the previous window: reuse it.
    bits_.write(0b10, 2);
    bits_.write(x >> prev_trailing, 64 - prev_leading - prev_trailing);
    return;
  }
  const int meaningful = 64 - leading - trailing;
  bits_.write(0b110, 3);
  bits_.write(static_cast<std::uint64_t>(leading), 5);
  bits_.write(static_cast<std::uint64_t>(meaningful == 64 ? 0 : meaningful), 6);
  bits_.write(x >> trailing, meaningful);
  prev_leading = leading;
  prev_trailing = trailing;
}

std::size_t ChunkEncoder::size_bytes() const {
  return kHeaderFixed + leb128_size(count_) + bits_.bytes().size();
}

std::vector<std::uint8_t> ChunkEncoder::bytes() const {
  std::vector<std::uint8_t> out;
  out.reserve(size_bytes());
  out.push_back(static_cast<std::uint8_t>(encoding_));
  out.resize(kHeaderFixed);
  put_leb128(out, count_);
  out.insert(out.end(), bits_.bytes().begin(), bits_.bytes().end());
  const std::uint32_t crc = chunk_crc(first_t_, std::span<const std::uint8_t>(out.data(), 1),
                                      std::span<const std::uint8_t>(out).subspan(kHeaderFixed));
  for (int i = 0; i < 4; ++i) out[1 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
  return out;
}

namespace {

// The entries of a chunk after its header, `Columns` floats each (see decode_chunk()).
template <std::size_t Columns>
bool decode_entries(BitReader& in, std::uint64_t count, TimestampMs first_t, DecodedChunk& out, std::string& error) {
  out.timestamps.reserve(count);
  out.values.reserve(count * Columns);
  // Per column state in fixed arrays: no allocation per chunk, and the column loops unroll.
  std::array<std::uint64_t, Columns> last_bits{};
  std::array<int, Columns> lead;
  lead.fill(-1);
  std::array<int, Columns> trail{};
  std::array<int, Columns> scale;
  scale.fill(-1);
  std::array<std::int64_t, Columns> decimal_n{};  // the last value's n at `scale`, when decimal_known
  std::array<char, Columns> decimal_known{};
  const auto truncated = [&error] {
    error = "chunk truncated";
    return false;
  };
  for (std::size_t c = 0; c < Columns; ++c) {
    if (!in.read(64, last_bits[c])) return truncated();
    out.values.push_back(std::bit_cast<double>(last_bits[c]));
    scale[c] = decimal_scale(out.values.back());
  }
  out.timestamps.push_back(first_t);
  std::uint64_t t = static_cast<std::uint64_t>(first_t);
  std::uint64_t delta = 0;
  for (std::uint64_t i = 1; i < count; ++i) {
    // Timestamp: count the prefix 1s, then read the class's payload. Unsigned arithmetic so that damaged
    // input wraps instead of overflowing; the ordering check below rejects the result.
    const int ones = in.read_ones(4);
    if (ones < 0) return truncated();
    if (ones > 0) {
      const DodClass& cls = kDodClasses[ones - 1];
      std::uint64_t payload = 0;
      if (!in.read(cls.width, payload)) return truncated();
      delta += static_cast<std::uint64_t>(sign_extend(payload, cls.width));
    }
    const std::uint64_t next = t + delta;
    if (static_cast<std::int64_t>(next) <= static_cast<std::int64_t>(t)) {
      error = "chunk timestamps do not increase";
      return false;
    }
    t = next;
    out.timestamps.push_back(static_cast<TimestampMs>(t));
    for (std::size_t c = 0; c < Columns; ++c) {
      // The value code: '0', '10', '110' or '111'.
      const int code = in.read_ones(3);
      if (code < 0) return truncated();
      if (code == 3) {
        const int prefix = in.read_ones(3);
        if (prefix < 0) return truncated();
        const DodClass& cls = kDecimalClasses[prefix];
        std::uint64_t payload = 0;
        if (!in.read(cls.width, payload)) return truncated();
        // The correction (none at scale 0, integers being exact): '0' none, '10' one unit up, '11' one unit down.
        std::uint64_t correction = 0;
        if (scale[c] > 0) {
          const int up_or_down = in.read_ones(2);
          if (up_or_down < 0) return truncated();
          if (up_or_down == 1) correction = 1;
          if (up_or_down == 2) correction = ~std::uint64_t{0};
        }
        std::int64_t prev_n = decimal_n[c];
        int prev_ulp = 0;
        if (!decimal_known[c] && !as_decimal(std::bit_cast<double>(last_bits[c]), scale[c], prev_n, prev_ulp)) {
          error = "chunk decimal delta without a decimal previous value";
          return false;
        }
        // Unsigned so that damaged input wraps instead of overflowing.
        const auto n = static_cast<std::int64_t>(static_cast<std::uint64_t>(prev_n) +
                                                 static_cast<std::uint64_t>(sign_extend(payload, cls.width)));
        last_bits[c] = double_bits(static_cast<double>(n) / kPow10[scale[c]]) + correction;
        // n / 10^scale within one unit in the last place: as_decimal() of it gives n back, and the scale stays.
        decimal_n[c] = n;
        decimal_known[c] = n < kExactIntegers && n > -kExactIntegers;  // else as_decimal() reports it next time
      } else if (code == 1 || code == 2) {
        decimal_known[c] = false;
        if (code == 2) {
          std::uint64_t leading = 0;
          std::uint64_t meaningful = 0;
          if (!in.read(5, leading) || !in.read(6, meaningful)) return truncated();
          if (meaningful == 0) meaningful = 64;
          if (leading + meaningful > 64) {
            error = "chunk value window out of range";
            return false;
          }
          lead[c] = static_cast<int>(leading);
          trail[c] = static_cast<int>(64 - leading - meaningful);
        } else if (lead[c] < 0) {
          error = "chunk reuses a value window before defining one";
          return false;
        }
        const int width = 64 - lead[c] - trail[c];
        std::uint64_t x = 0;
        if (!in.read(width, x)) return truncated();
        last_bits[c] ^= x << trail[c];
      }
      const double v = std::bit_cast<double>(last_bits[c]);
      out.values.push_back(v);
      if (code == 1 || code == 2) {
        // As the encoder: only a value that is not decimal at the current scale can raise it (a decimal
        // delta's value is decimal at it).
        std::int64_t n = 0;
        int ulp = 0;
        if (!as_decimal(v, scale[c], n, ulp)) scale[c] = std::max(scale[c], decimal_scale(v));
      }
    }
  }
  return true;
}

}  // namespace

bool decode_chunk(std::span<const std::uint8_t> data, TimestampMs first_t, ChunkEncoding expected,
                  DecodedChunk& out, std::string& error) {
  out.timestamps.clear();
  out.values.clear();
  if (data.size() < kHeaderFixed + 1) {
    error = "chunk shorter than its header";
    return false;
  }
  if (data[0] != static_cast<std::uint8_t>(expected)) {
    error = "unexpected chunk encoding " + std::to_string(data[0]);
    return false;
  }
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= std::uint32_t{data[1 + static_cast<std::size_t>(i)]} << (8 * i);
  if (stored != chunk_crc(first_t, data.subspan(0, 1), data.subspan(kHeaderFixed))) {
    error = "chunk checksum mismatch";
    return false;
  }
  // The entry count, LEB128, at most three bytes (65,535).
  std::size_t pos = kHeaderFixed;
  std::uint64_t count = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= data.size() || shift > 14) {
      error = "bad chunk entry count";
      return false;
    }
    const std::uint8_t b = data[pos++];
    count |= std::uint64_t{b & 0x7FU} << shift;
    if ((b & 0x80) == 0) break;
  }
  const auto columns = static_cast<std::size_t>(column_count(expected));
  BitReader in(data.subspan(pos));
  // Every entry after the first takes at least 1 + columns bits: a count the data cannot hold is damage,
  // caught before anything is allocated for it.
  if (count == 0 || count > kMaxEntries || (count - 1) * (1 + columns) + 64 * columns > in.remaining()) {
    error = "chunk entry count does not fit its data";
    return false;
  }
  const bool entries_ok = columns == 1 ? decode_entries<1>(in, count, first_t, out, error)
                                       : decode_entries<5>(in, count, first_t, out, error);
  if (!entries_ok) return false;
  if (in.remaining() >= 8) {
    error = "chunk has trailing bytes";
    return false;
  }
  return true;
}

}  // namespace twikit::history
