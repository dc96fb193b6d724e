#pragma once
// The Prometheus exposition formats, written: text 0.0.4 and OpenMetrics 1.0.0.
// Pure functions over plain structs; the HTTP endpoint that serves them lives elsewhere.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/labels.h"

namespace twikit {

/// A metric family's type as both formats name it.
enum class MetricType { counter, gauge, histogram, summary, untyped };

/// One sample of a family: `suffix` is appended to the family name ("", "_bucket", "_sum", ...).
struct MetricSample {
  Labels labels;
  double value = 0;
  std::string suffix;
  std::optional<TimestampMs> timestamp;
};

/// A metric family: name, help, type and its samples. For counters `name` ends in "_total" in the
/// text format; the OpenMetrics writer strips it from the family line and keeps it on samples.
struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::untyped;
  std::vector<MetricSample> samples;
};

/// The two wire formats a scraper may ask for.
enum class ExpositionFormat { text, openmetrics };

/// Chooses the format from an HTTP Accept header: OpenMetrics only when it is asked for.
ExpositionFormat negotiate_format(std::string_view accept_header);

/// The Content-Type header value for `format`.
const char* content_type(ExpositionFormat format);

/// Appends `value` in the shortest form that reads back to the same double: "NaN", "+Inf", "-Inf",
/// integers without exponent up to 1e15, otherwise std::to_chars' shortest round-trip; locale-free.
void append_double(std::string& out, double value);

/// The shortest round-trip text of `value` (see append_double).
std::string format_double(double value);

/// Appends a label value escaped as both formats require (backslash, double quote, newline).
void append_escaped_label_value(std::string& out, std::string_view value);

/// Appends a sample's series as both formats write it: `name` `suffix` and, unless `labels` is empty,
/// `{label="value",...}` with the labels in the order given and the values escaped.
void append_series(std::string& out, std::string_view name, std::string_view suffix, const Labels& labels);

/// Appends HELP text escaped for `format` (text 0.0.4 escapes backslash and newline only;
/// OpenMetrics escapes the double quote too).
void append_escaped_help(std::string& out, std::string_view help, ExpositionFormat format);

/// Appends one family in `format`, without OpenMetrics' closing "# EOF" (write_exposition adds it).
void write_family(std::string& out, const MetricFamily& family, ExpositionFormat format);

/// Appends `families` in `format`; OpenMetrics output ends with "# EOF".
void write_exposition(std::string& out, const std::vector<MetricFamily>& families,
                      ExpositionFormat format);

/// Compresses `data` as gzip (RFC 1952) for Content-Encoding: gzip.
std::string gzip_compress(std::string_view data);

/// The front part of a gzip stream that is finished later with more data: raw deflate blocks ending on
/// a byte boundary (sync flush), plus what the trailer needs. Lets a large body be compressed once and
/// served many times with a small fresh tail, as one gzip member (libcurl reads only the first member).
struct GzipPrefix {
  std::string header;   // the 10-byte gzip header
  std::string deflated; // raw deflate blocks, none final
  unsigned long crc = 0;
  std::size_t size = 0;
};

/// Compresses `data` as the front of a gzip stream.
GzipPrefix gzip_prefix(std::string_view data);

/// Builds a GzipPrefix from data given piece by piece, so a large body need not exist whole to be
/// compressed; the result holds only the compressed bytes. Not thread-safe; copy and move are deleted
/// (it owns a zlib stream).
class GzipPrefixWriter {
 public:
  /// Starts an empty prefix compressed at zlib's `level` (1 fastest … 9 smallest; -1 zlib's default, 6).
  explicit GzipPrefixWriter(int level = -1);
  ~GzipPrefixWriter();
  GzipPrefixWriter(const GzipPrefixWriter&) = delete;
  GzipPrefixWriter& operator=(const GzipPrefixWriter&) = delete;

  /// Compresses `data` after everything appended before.
  void append(std::string_view data);
  /// Ends the deflate blocks on a byte boundary and returns the prefix; call once, then discard the writer.
  GzipPrefix finish();

 private:
  struct Stream;
  void deflate_into_prefix(std::string_view data, int flush);

  std::unique_ptr<Stream> stream_;
  GzipPrefix prefix_;
};

/// The uncompressed data of `prefix`, for a client that does not accept gzip. Throws std::runtime_error
/// when the deflated bytes do not inflate to `prefix.size` bytes.
std::string inflate_prefix(const GzipPrefix& prefix);

/// The rest of the stream after `prefix`: `tail` compressed (with the final block) and the trailer.
std::string gzip_finish(const GzipPrefix& prefix, std::string_view tail);

/// Whether an Accept-Encoding header value allows gzip.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace twikit
