#include "common/exposition.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <zlib.h>

namespace twikit {
namespace {

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
    case MetricType::summary: return "summary";
    case MetricType::untyped: return "untyped";
  }
  return "untyped";
}

void append_sample(std::string& out, std::string_view name, const MetricSample& s,
                   ExpositionFormat format) {
  append_series(out, name, s.suffix, s.labels);
  out += ' ';
  append_double(out, s.value);
  if (s.timestamp) {
    out += ' ';
    if (format == ExpositionFormat::openmetrics) {
      append_double(out, static_cast<double>(*s.timestamp) / 1000.0);
    } else {
      out += std::to_string(*s.timestamp);
    }
  }
  out += '\n';
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

void append_series(std::string& out, std::string_view name, std::string_view suffix, const Labels& labels) {
  out += name;
  out += suffix;
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += label;
    out += "=\"";
    append_escaped_label_value(out, value);
    out += '"';
  }
  out += '}';
}

ExpositionFormat negotiate_format(std::string_view accept_header) {
  return accept_header.find("application/openmetrics-text") != std::string_view::npos
             ? ExpositionFormat::openmetrics
             : ExpositionFormat::text;
}

const char* content_type(ExpositionFormat format) {
  return format == ExpositionFormat::openmetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  std::to_chars_result r;
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, value);
  }
  out.append(buf, r.ptr);
}

std::string format_double(double value) {
  std::string out;
  append_double(out, value);
  return out;
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_escaped_help(std::string& out, std::string_view help, ExpositionFormat format) {
  for (char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        out += format == ExpositionFormat::openmetrics ? "\\\"" : "\"";
        break;
      default: out += c;
    }
  }
}

void write_family(std::string& out, const MetricFamily& family, ExpositionFormat format) {
  const bool om = format == ExpositionFormat::openmetrics;
  std::string_view family_name = family.name;
  if (om && family.type == MetricType::counter && ends_with(family_name, "_total")) {
    family_name.remove_suffix(6);
  }
  // OpenMetrics has "unknown" where the text format has "untyped".
  const char* type = (om && family.type == MetricType::untyped) ? "unknown" : type_name(family.type);
  if (!family.help.empty()) {
    out += "# HELP ";
    out += family_name;
    out += ' ';
    append_escaped_help(out, family.help, format);
    out += '\n';
  }
  out += "# TYPE ";
  out += family_name;
  out += ' ';
  out += type;
  out += '\n';
  for (const auto& sample : family.samples) append_sample(out, family.name, sample, format);
}

void write_exposition(std::string& out, const std::vector<MetricFamily>& families,
                      ExpositionFormat format) {
  for (const auto& family : families) write_family(out, family, format);
  if (format == ExpositionFormat::openmetrics) out += "# EOF\n";
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  // 15 window bits + 16 selects the gzip wrapper.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip compression failed");
  out.resize(zs.total_out);
  return out;
}

namespace {

// Raw deflate (no zlib or gzip wrapper) of `data`, ending with `flush` (Z_SYNC_FLUSH or Z_FINISH).
std::string raw_deflate(std::string_view data, int flush) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 16);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, flush);
  deflateEnd(&zs);
  if (rc != Z_OK && rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(zs.total_out);
  return out;
}

void append_le32(std::string& out, unsigned long v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

struct GzipPrefixWriter::Stream {
  z_stream zs{};
};

GzipPrefixWriter::GzipPrefixWriter(int level) : stream_(std::make_unique<Stream>()) {
  if (deflateInit2(&stream_->zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix
  prefix_.header = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  prefix_.crc = crc32(0L, Z_NULL, 0);
}

GzipPrefixWriter::~GzipPrefixWriter() { deflateEnd(&stream_->zs); }

void GzipPrefixWriter::deflate_into_prefix(std::string_view data, int flush) {
  z_stream& zs = stream_->zs;
  // Output goes through a small buffer, so the result grows with what deflate produces and never holds
  // (or touches) the input-sized worst case.
  char chunk[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  do {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    if (deflate(&zs, flush) == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
    prefix_.deflated.append(chunk, sizeof chunk - zs.avail_out);
  } while (zs.avail_in > 0 || zs.avail_out == 0);
}

void GzipPrefixWriter::append(std::string_view data) {
  if (data.empty()) return;
  prefix_.crc = crc32(prefix_.crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  prefix_.size += data.size();
  deflate_into_prefix(data, Z_NO_FLUSH);
}

GzipPrefix GzipPrefixWriter::finish() {
  deflate_into_prefix({}, Z_SYNC_FLUSH);
  prefix_.deflated.shrink_to_fit();
  return std::move(prefix_);
}

GzipPrefix gzip_prefix(std::string_view data) {
  GzipPrefixWriter writer;
  writer.append(data);
  return writer.finish();
}

std::string inflate_prefix(const GzipPrefix& prefix) {
  std::string out(prefix.size, '\0');
  if (prefix.size == 0) return out;
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(prefix.deflated.data()));
  zs.avail_in = static_cast<uInt>(prefix.deflated.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_SYNC_FLUSH);
  const bool ok = (rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR) && zs.avail_out == 0;
  inflateEnd(&zs);
  if (!ok) throw std::runtime_error("gzip prefix does not inflate to its recorded size");
  return out;
}

std::string gzip_finish(const GzipPrefix& prefix, std::string_view tail) {
  std::string out = raw_deflate(tail, Z_FINISH);
  const uLong tail_crc =
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(tail.data()), static_cast<uInt>(tail.size()));
  append_le32(out, crc32_combine(prefix.crc, tail_crc, static_cast<z_off_t>(tail.size())));
  append_le32(out, static_cast<unsigned long>((prefix.size + tail.size()) & 0xffffffffUL));
  return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
  return accept_encoding.find("gzip") != std::string_view::npos;
}

}  // namespace twikit
