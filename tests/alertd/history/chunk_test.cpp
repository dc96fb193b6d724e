// The chunk codec: bit-exact round trips of every kind of float, and damage reported, never read past.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <limits>
#include <random>

#include "alertd/history/chunk.h"
#include "alertd/history/crc32.h"
#include "alertd/storage/sample.h"

using twikit::TimestampMs;
using namespace twikit::history;

namespace {

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

DecodedChunk decode_ok(const ChunkEncoder& e, ChunkEncoding encoding = ChunkEncoding::raw) {
  DecodedChunk out;
  std::string error;
  const auto bytes = e.bytes();
  REQUIRE(decode_chunk(bytes, e.first_t(), encoding, out, error));
  CHECK(error.empty());
  return out;
}

}  // namespace

TEST_CASE("the chunk checksum is CRC-32 (IEEE): its check value, also when continued piece by piece") {
  const std::string text = "123456789";
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  CHECK(crc32(bytes) == 0xCBF43926U);
  CHECK(crc32(bytes.subspan(4), crc32(bytes.subspan(0, 4))) == 0xCBF43926U);
  CHECK(crc32({}) == 0U);
}

TEST_CASE("a raw chunk round-trips special floats bit-exactly, staleness marker included") {
  const double quiet_nan = std::numeric_limits<double>::quiet_NaN();
  const double payload_nan = std::bit_cast<double>(0x7ff8000000000123ULL);
  const std::vector<double> values = {0.0,
                                      -0.0,
                                      1.5,
                                      quiet_nan,
                                      twikit::storage::stale_marker(),
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(),
                                      payload_nan,
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::max(),
                                      42.0,
                                      42.0,
                                      0.1 + 0.2};
  ChunkEncoder e(ChunkEncoding::raw);
  TimestampMs t = 1'700'000'000'000;
  for (const double v : values) {
    e.append(t, std::span(&v, 1));
    t += 15'000;
  }
  const DecodedChunk d = decode_ok(e);
  REQUIRE(d.timestamps.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    CHECK(d.timestamps[i] == 1'700'000'000'000 + static_cast<TimestampMs>(i) * 15'000);
    CHECK(bits(d.values[i]) == bits(values[i]));
  }
  CHECK(twikit::storage::is_stale_marker(d.values[4]));
  CHECK_FALSE(twikit::storage::is_stale_marker(d.values[3]));
}

TEST_CASE("a raw chunk round-trips irregular timestamps in every delta-of-delta class") {
  // Jitter of a few ms, then jumps needing 14, 20 and 64 bits, and negative times before the epoch.
  const std::vector<TimestampMs> ts = {-5'000'000, -4'985'000, -4'970'003, -4'955'001, -4'940'001, -4'900'000,
                                       -3'000'000, 0, 15'000, 30'000, 1'000'000'000'000, 1'000'000'000'001,
                                       std::numeric_limits<TimestampMs>::max() / 2};
  ChunkEncoder e(ChunkEncoding::raw);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const double v = static_cast<double>(i);
    e.append(ts[i], std::span(&v, 1));
  }
  const DecodedChunk d = decode_ok(e);
  CHECK(d.timestamps == ts);
}

TEST_CASE("decimal values round-trip bit-exactly and two-decimal walks take under 3 bytes a sample") {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> step(-400, 400);
  std::vector<double> values;
  double cents = 5000;
  for (int i = 0; i < 100; ++i) {
    cents += step(rng);
    values.push_back(cents / 100);  // two decimals, as the services report
  }
  // Scale changes, values that are not short decimals, the 2^53 edge, signed zeros, non-finite values.
  const std::vector<double> odd = {87.34 / 100, 0.1 + 0.2, 1e-7, -12.5, -12.25, 0.0, -0.0, 0.0,
                                   9007199254740991.0, 9007199254740992.0, 9007199254740993.0, 1e300,
                                   std::nan(""), 3, 4, INFINITY, 5, 5.000001, 5.0000001};
  values.insert(values.end(), odd.begin(), odd.end());
  ChunkEncoder e(ChunkEncoding::raw);
  for (std::size_t i = 0; i < values.size(); ++i) e.append(static_cast<TimestampMs>(i) * 15'000, std::span(&values[i], 1));
  const DecodedChunk d = decode_ok(e);
  REQUIRE(d.values.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) CHECK(bits(d.values[i]) == bits(values[i]));

  ChunkEncoder walk(ChunkEncoding::raw);
  for (std::size_t i = 0; i < 100; ++i) walk.append(static_cast<TimestampMs>(i) * 15'000, std::span(&values[i], 1));
  CHECK(walk.size_bytes() < 300);
}

TEST_CASE("a chunk rejects a timestamp that does not increase") {
  ChunkEncoder e(ChunkEncoding::raw);
  const double v = 1;
  e.append(1000, std::span(&v, 1));
  CHECK_THROWS_AS(e.append(1000, std::span(&v, 1)), std::invalid_argument);
  CHECK_THROWS_AS(e.append(999, std::span(&v, 1)), std::invalid_argument);
  CHECK(e.count() == 1);
}

TEST_CASE("an aggregate chunk round-trips its five columns") {
  ChunkEncoder e(ChunkEncoding::aggregate);
  const double a[5] = {1, 5, 12, 4, 3};
  const double b[5] = {-2.5, 7.25, 3, 3, std::nan("")};
  e.append(300'000, a);
  e.append(600'000, b);
  const DecodedChunk d = decode_ok(e, ChunkEncoding::aggregate);
  CHECK(d.timestamps == std::vector<TimestampMs>{300'000, 600'000});
  REQUIRE(d.values.size() == 10);
  for (int c = 0; c < 5; ++c) {
    CHECK(bits(d.values[static_cast<std::size_t>(c)]) == bits(a[c]));
    CHECK(bits(d.values[5 + static_cast<std::size_t>(c)]) == bits(b[c]));
  }
}

TEST_CASE("a regular counter compresses to about a bit per timestamp and a few bytes per value") {
  ChunkEncoder e(ChunkEncoding::raw);
  double v = 100'000;
  for (int i = 0; i < 120; ++i) {
    e.append(1'700'000'000'000 + i * 15'000, std::span(&v, 1));
    v += 37;
  }
  // 5 header bytes, 1 count byte, 8 for the first value, then 1 timestamp bit for all but the second.
  CHECK(e.size_bytes() == e.bytes().size());
  CHECK(e.size_bytes() < 120 * 3);
  const DecodedChunk d = decode_ok(e);
  CHECK(d.values.back() == 100'000 + 119 * 37);
}

TEST_CASE("every truncation and every single-byte change of a chunk is reported as damage") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> step(-1, 1);
  ChunkEncoder e(ChunkEncoding::raw);
  double v = 50;
  for (int i = 0; i < 120; ++i) {
    e.append(1'700'000'000'000 + i * 15'000 + (i % 3), std::span(&v, 1));
    v = std::round((v + step(rng)) * 100) / 100;
  }
  const auto good = e.bytes();
  DecodedChunk out;
  std::string error;
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_FALSE(decode_chunk(cut, e.first_t(), ChunkEncoding::raw, out, error));
  }
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto damaged = good;
    damaged[i] ^= 0x5A;
    CHECK_FALSE(decode_chunk(damaged, e.first_t(), ChunkEncoding::raw, out, error));
  }
  // A chunk read with the wrong first timestamp (a damaged key) fails its checksum too.
  CHECK_FALSE(decode_chunk(good, e.first_t() + 1, ChunkEncoding::raw, out, error));
  CHECK(error == "chunk checksum mismatch");
}

TEST_CASE("forged chunks with a valid checksum are decoded or rejected, never read out of bounds") {
  // Random bit streams and counts with a correct CRC, so that only the structural checks stand between
  // the decoder and the end of the buffer (ASan builds make an overrun fail loudly).
  std::mt19937_64 rng(11);
  int rejected = 0;
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::uint8_t> bytes = {static_cast<std::uint8_t>(ChunkEncoding::raw), 0, 0, 0, 0,
                                       static_cast<std::uint8_t>(1 + rng() % 4)};
    const std::size_t n = 8 + rng() % 16;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<std::uint8_t>(rng()));
    const std::uint8_t zero_t[8] = {};
    std::uint32_t crc = crc32(zero_t);
    crc = crc32(std::span(bytes).subspan(0, 1), crc);
    crc = crc32(std::span(bytes).subspan(5), crc);
    for (int i = 0; i < 4; ++i) bytes[1 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
    DecodedChunk out;
    std::string error;
    if (decode_chunk(bytes, 0, ChunkEncoding::raw, out, error)) {
      ++accepted;
      CHECK(out.values.size() == out.timestamps.size());
      for (std::size_t i = 1; i < out.timestamps.size(); ++i) CHECK(out.timestamps[i] > out.timestamps[i - 1]);
    } else {
      ++rejected;
      CHECK_FALSE(error.empty());
    }
  }
  CHECK(accepted > 0);
  CHECK(rejected > 0);
}

TEST_CASE("ratios computed as percent / 100 round-trip bit-exactly and compress like decimals") {
  // 97.34 / 100 is often one unit in the last place away from 9734 / 10^4: the decimal code corrects it.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> step(-50, 50);
  std::vector<double> values;
  int percent_hundredths = 9000;
  int off_by_one_ulp = 0;
  for (int i = 0; i < 240; ++i) {
    percent_hundredths = std::clamp(percent_hundredths + step(rng), 5000, 10000);
    const double ratio = (percent_hundredths / 100.0) / 100.0;
    if (std::bit_cast<std::uint64_t>(ratio) != std::bit_cast<std::uint64_t>(percent_hundredths / 10000.0)) ++off_by_one_ulp;
    values.push_back(ratio);
  }
  REQUIRE(off_by_one_ulp > 0);  // the case this code exists for is in the data
  ChunkEncoder e(ChunkEncoding::raw);
  for (std::size_t i = 0; i < values.size(); ++i) e.append(static_cast<TimestampMs>(i) * 15'000, std::span(&values[i], 1));
  DecodedChunk d;
  std::string error;
  REQUIRE(decode_chunk(e.bytes(), 0, ChunkEncoding::raw, d, error));
  REQUIRE(d.values.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) CHECK(bits(d.values[i]) == bits(values[i]));
  CHECK(e.size_bytes() < 240 * 5 / 2);  // under 2.5 bytes a sample (about 4.3 with XOR alone)
}
