#pragma once
// Compressed chunks of samples, Gorilla-style: delta-of-delta timestamps and XOR-encoded float columns.
//
// A chunk holds up to 65,535 entries of one series in strictly increasing time order. Each entry is a
// timestamp and a fixed number of float columns (one for raw samples; min, max, sum, count, last for an
// aggregate bucket). Floats are encoded by their bit patterns, so every value — NaN payloads, ±Inf and
// Prometheus' staleness marker — round-trips bit-exactly.
//
// Layout: [encoding: 1 byte][CRC-32: 4 bytes LE][entry count: LEB128][bit stream]. The first timestamp is
// not stored in the chunk (the caller keeps it beside the chunk, e.g. as the row key) but it is covered by
// the CRC, so a chunk moved to the wrong place is detected too. The bit stream starts with the first
// entry's columns as 64 raw bits each; every later entry is a delta-of-delta timestamp followed by each
// column as one of: '0' (same value), '10' (XOR within the previous window), '110' (XOR with a new window),
// '111' (decimal delta). The decimal form is this codec's addition to Gorilla: services report decimals
// (two-decimal gauges, percentages turned into ratios, integer counters), whose XOR patterns are nearly
// random, so when the previous and the current value are both n / 10^s (to within one unit in the last place) for the column's scale s
// (the most decimals, up to 6, seen so far in the chunk; both sides derive it from the decoded values),
// the difference of the integers n is written instead, in 6, 12, 20 or 32 bits, followed (when s > 0: an
// integer is exact) by a correction of the quotient's bit pattern: '0' none, '10' +1, '11' -1 (values computed as decimals by other arithmetic,
// such as a percentage divided by 100, are often one unit in the last place away from n / 10^s). Every value
// is checked to round-trip bit-exactly before it is written that way.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "alertd/history/bit_stream.h"
#include "common/clock.h"

namespace twikit::history {

/// What a chunk's entries hold.
enum class ChunkEncoding : std::uint8_t {
  raw = 1,        ///< One column: the sample value.
  aggregate = 2,  ///< Five columns: min, max, sum, count, last of one aggregation bucket.
};

/// The number of float columns an encoding carries.
int column_count(ChunkEncoding encoding);

/// Builds one chunk entry by entry. Not thread-safe; copyable (a copy continues independently).
class ChunkEncoder {
 public:
  /// Starts an empty chunk of `encoding`.
  explicit ChunkEncoder(ChunkEncoding encoding);

  /// Appends an entry; `t` must be greater than the last one and `values` must have column_count()
  /// elements (std::invalid_argument otherwise).
  void append(TimestampMs t, std::span<const double> values);
  /// The number of entries.
  std::size_t count() const { return count_; }
  /// Whether no entry has been appended.
  bool empty() const { return count_ == 0; }
  /// The first entry's timestamp (0 when empty).
  TimestampMs first_t() const { return first_t_; }
  /// The last entry's timestamp (0 when empty).
  TimestampMs last_t() const { return last_t_; }
  /// The chunk's encoding.
  ChunkEncoding encoding() const { return encoding_; }
  /// The finished bytes of the chunk as it stands (header, checksum, bit stream).
  std::vector<std::uint8_t> bytes() const;
  /// The size bytes() would have, without building it.
  std::size_t size_bytes() const;

 private:
  void append_timestamp(TimestampMs t);
  void append_value(std::size_t column, double value);

  ChunkEncoding encoding_;
  BitWriter bits_;
  std::size_t count_ = 0;
  TimestampMs first_t_ = 0;
  TimestampMs last_t_ = 0;
  std::int64_t last_delta_ = 0;
  std::vector<std::uint64_t> last_bits_;   // per column
  std::vector<int> last_leading_;          // per column, -1 before a window exists
  std::vector<int> last_trailing_;         // per column
  std::vector<int> scale_;                 // per column, the decimal scale (-1: none yet)
};

/// A decoded chunk: entry timestamps and their columns, row-major (entry i's column c at
/// values[i * columns + c]).
struct DecodedChunk {
  std::vector<TimestampMs> timestamps;  ///< Strictly increasing.
  std::vector<double> values;           ///< timestamps.size() * column_count() values.
};

/// Decodes `data` whose first timestamp is `first_t` and whose encoding must be `expected`. Never reads
/// out of bounds and never trusts a length: returns false (with the reason in `error`) on a checksum
/// mismatch, truncation, trailing bytes, an impossible bit width or non-increasing timestamps; `out` is
/// then unspecified. Thread-safe (pure).
bool decode_chunk(std::span<const std::uint8_t> data, TimestampMs first_t, ChunkEncoding expected,
                  DecodedChunk& out, std::string& error);

}  // namespace twikit::history
