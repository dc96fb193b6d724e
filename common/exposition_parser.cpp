#include "common/exposition_parser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/go_float.h"

namespace twikit {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_label_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

bool is_label_char(char c) { return is_label_start(c) || (c >= '0' && c <= '9'); }

/// A short quoted excerpt of `text` for error messages.
std::string excerpt(std::string_view text) {
  constexpr std::size_t max_len = 40;
  std::string out = "\"";
  out.append(text.substr(0, max_len));
  if (text.size() > max_len) out += "...";
  out += '"';
  return out;
}

/// The length of the valid UTF-8 sequence starting at `p` (1 for ASCII), or 0 when it is not one (an
/// overlong form, a surrogate, above U+10FFFF, or cut short).
std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  if (c < 0x80) return 1;
  int extra = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (end - p <= extra) return 0;
  for (int i = 1; i <= extra; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return static_cast<std::size_t>(extra) + 1;
}

/// Whether `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const std::size_t n = utf8_sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

/// `s` quoted as Go's %q does (strconv.Quote): the form Prometheus' parser errors show, so that an
/// operator sees the same text ("\"\xff\"") from alertd and from Prometheus.
std::string go_quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const std::size_t n = utf8_sequence_length(p, end);
    const unsigned char c = *p;
    if (n > 1) {
      out.append(reinterpret_cast<const char*>(p), n);  // a valid multi-byte rune stays as written
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      switch (c) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
      }
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
    p += n == 0 ? 1 : n;
  }
  out += '"';
  return out;
}

bool has_high_bit(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

/// Parses a float as Go's strconv.ParseFloat does for exposition values (leading '+' allowed). Unlike a PromQL
/// literal (promql/number.h), a value too large is kept as the ±Inf ParseFloat returns with its range error.
bool parse_float(std::string_view token, double& out) {
  const GoFloat f = parse_go_float(token);
  if (f.status == GoFloat::Status::invalid) return false;
  out = f.value;
  return true;
}

bool parse_int64(std::string_view token, std::int64_t& out) {
  if (token.empty()) return false;
  const char* first = token.data();
  const char* last = first + token.size();
  if (*first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last && first != last;
}

/// Returns the next whitespace-delimited token starting at `pos` (after skipping blanks).
std::string_view next_token(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && is_space(line[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < line.size() && !is_space(line[pos])) ++pos;
  return line.substr(start, pos - start);
}

/// Unescapes HELP text: `\\` and `\n` always, `\"` in OpenMetrics; other escapes stay as written.
std::string_view unescape_help(std::string_view text, bool openmetrics, std::string& scratch) {
  if (text.find('\\') == std::string_view::npos) return text;
  scratch.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char n = text[i + 1];
      if (n == '\\' || n == 'n' || (openmetrics && n == '"')) {
        scratch += n == 'n' ? '\n' : n;
        ++i;
        continue;
      }
    }
    scratch += c;
  }
  return scratch;
}

ParsedMetricType parse_type(std::string_view word, bool openmetrics) {
  if (word == "counter") return ParsedMetricType::counter;
  if (word == "gauge") return ParsedMetricType::gauge;
  if (word == "histogram") return ParsedMetricType::histogram;
  if (word == "summary") return ParsedMetricType::summary;
  if (!openmetrics && word == "untyped") return ParsedMetricType::untyped;
  if (openmetrics) {
    if (word == "unknown") return ParsedMetricType::unknown;
    if (word == "gaugehistogram") return ParsedMetricType::gaugehistogram;
    if (word == "info") return ParsedMetricType::info;
    if (word == "stateset") return ParsedMetricType::stateset;
  }
  return static_cast<ParsedMetricType>(-1);
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  for (char c : name.substr(1)) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

ExpositionFormat exposition_format_from_content_type(std::string_view content_type) {
  std::string lowered(content_type.substr(0, content_type.find(';')));
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!lowered.empty() && is_space(lowered.back())) lowered.pop_back();
  return lowered == "application/openmetrics-text" ? ExpositionFormat::openmetrics
                                                   : ExpositionFormat::text;
}

const char* parsed_metric_type_name(ParsedMetricType type) {
  switch (type) {
    case ParsedMetricType::unknown: return "unknown";
    case ParsedMetricType::untyped: return "untyped";
    case ParsedMetricType::counter: return "counter";
    case ParsedMetricType::gauge: return "gauge";
    case ParsedMetricType::histogram: return "histogram";
    case ParsedMetricType::summary: return "summary";
    case ParsedMetricType::gaugehistogram: return "gaugehistogram";
    case ParsedMetricType::info: return "info";
    case ParsedMetricType::stateset: return "stateset";
  }
  return "unknown";
}

std::string ExpositionError::to_string() const {
  return "line " + std::to_string(line) + ": " + reason;
}

std::optional<ExpositionError> ExpositionParser::parse(std::string_view body, ExpositionFormat format,
                                                       ExpositionHandler& handler) {
  const bool openmetrics = format == ExpositionFormat::openmetrics;
  family_ = Family{};
  std::size_t line_no = 0;
  std::size_t pos = 0;
  bool seen_eof = false;
  while (pos < body.size()) {
    ++line_no;
    const char* nl = static_cast<const char*>(std::memchr(body.data() + pos, '\n', body.size() - pos));
    const std::size_t end = nl ? static_cast<std::size_t>(nl - body.data()) : body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (seen_eof) return ExpositionError{line_no, "unexpected data after # EOF"};
    if (openmetrics) {
      if (line == "# EOF") {
        seen_eof = true;
        continue;
      }
      if (line.empty()) return ExpositionError{line_no, "unexpected empty line"};
    }
    std::size_t first = 0;
    while (first < line.size() && is_space(line[first])) ++first;
    if (first == line.size()) continue;  // blank line (text format)
    std::optional<std::string> err;
    if (line[first] == '#') {
      err = parse_comment(line.substr(first), openmetrics, handler);
    } else {
      err = parse_sample(line.substr(first), openmetrics, handler);
    }
    if (err) return ExpositionError{line_no, std::move(*err)};
  }
  if (openmetrics && !seen_eof) return ExpositionError{line_no, "data does not end with # EOF"};
  return std::nullopt;
}

std::optional<std::string> ExpositionParser::parse_comment(std::string_view line, bool openmetrics,
                                                           ExpositionHandler& handler) {
  std::size_t pos = 1;
  if (openmetrics && (line.size() < 2 || line[1] != ' ')) return "invalid comment " + excerpt(line);
  const std::string_view keyword = next_token(line, pos);
  const bool is_help = keyword == "HELP";
  const bool is_type = keyword == "TYPE";
  const bool is_unit = openmetrics && keyword == "UNIT";
  if (!is_help && !is_type && !is_unit) {
    if (openmetrics) return "invalid metadata keyword " + excerpt(keyword);
    return std::nullopt;  // an ordinary comment
  }
  const std::string_view metric = next_token(line, pos);
  if (!valid_metric_name(metric)) return "invalid metric name in " + std::string(keyword) + ": " + excerpt(metric);
  if (pos < line.size()) ++pos;  // the single separator before the text
  std::string_view rest = line.substr(std::min(pos, line.size()));
  if (is_help) {
    if (has_high_bit(rest) && !valid_utf8(rest)) return "help text " + go_quote(rest) + " is not a valid utf8 string";
    handler.on_help(metric, unescape_help(rest, openmetrics, help_scratch_));
    return std::nullopt;
  }
  while (!rest.empty() && is_space(rest.back())) rest.remove_suffix(1);
  if (is_unit) {
    handler.on_unit(metric, rest);
    return std::nullopt;
  }
  std::size_t tpos = 0;
  const std::string_view word = next_token(rest, tpos);
  const ParsedMetricType type = parse_type(word, openmetrics);
  if (static_cast<int>(type) < 0) return "invalid metric type " + excerpt(word);
  if (!next_token(rest, tpos).empty()) return "unexpected text after metric type " + excerpt(rest);
  family_.name.assign(metric);
  family_.type = type;
  handler.on_type(metric, type);
  return std::nullopt;
}

bool ExpositionParser::is_created_sample(std::string_view name) const {
  switch (family_.type) {
    case ParsedMetricType::counter:
    case ParsedMetricType::histogram:
    case ParsedMetricType::summary:
    case ParsedMetricType::gaugehistogram:
      break;
    default:
      return false;
  }
  constexpr std::string_view suffix = "_created";
  return name.size() == family_.name.size() + suffix.size() && name.starts_with(family_.name) &&
         name.ends_with(suffix);
}

std::optional<std::string> ExpositionParser::parse_sample(std::string_view line, bool openmetrics,
                                                          ExpositionHandler& handler) {
  const std::size_t n = line.size();
  std::size_t pos = 0;
  if (!is_name_start(line[0])) return "invalid metric name at start of " + excerpt(line);
  while (pos < n && is_name_char(line[pos])) ++pos;
  SampleView sample;
  sample.name = line.substr(0, pos);
  labels_.clear();
  escaped_.clear();
  scratch_.clear();
  std::size_t series_end = pos;
  std::size_t after_name = pos;
  while (after_name < n && is_space(line[after_name])) ++after_name;
  if (after_name < n && line[after_name] == '{') {
    pos = after_name + 1;
    while (true) {
      while (pos < n && is_space(line[pos])) ++pos;
      if (pos < n && line[pos] == '}') {
        ++pos;
        break;
      }
      if (pos >= n || !is_label_start(line[pos])) {
        return "expected label name or '}' in " + excerpt(line.substr(std::min(pos, n)));
      }
      const std::size_t name_start = pos;
      while (pos < n && is_label_char(line[pos])) ++pos;
      const std::string_view label_name = line.substr(name_start, pos - name_start);
      while (pos < n && is_space(line[pos])) ++pos;
      if (pos >= n || line[pos] != '=') return "expected '=' after label name \"" + std::string(label_name) + "\"";
      ++pos;
      while (pos < n && is_space(line[pos])) ++pos;
      if (pos >= n || line[pos] != '"') return "expected '\"' to open the value of label \"" + std::string(label_name) + "\"";
      ++pos;
      const std::size_t value_start = pos;
      bool has_escape = false;
      while (pos < n && line[pos] != '"') {
        if (line[pos] == '\\') {
          has_escape = true;
          ++pos;
        }
        ++pos;
      }
      if (pos >= n) return "unterminated value of label \"" + std::string(label_name) + "\"";
      const std::string_view raw = line.substr(value_start, pos - value_start);
      ++pos;  // closing quote
      // Prometheus' wording: the value token as written, quotes included, quoted with Go's %q.
      if (has_high_bit(raw) && !valid_utf8(raw)) {
        return "invalid UTF-8 label value: " + go_quote(line.substr(value_start - 1, raw.size() + 2));
      }
      if (has_escape) {
        const std::size_t offset = scratch_.size();
        for (std::size_t i = 0; i < raw.size(); ++i) {
          if (raw[i] == '\\' && i + 1 < raw.size()) {
            const char e = raw[i + 1];
            if (e == '\\' || e == '"' || e == 'n') {
              scratch_ += e == 'n' ? '\n' : e;
              ++i;
              continue;
            }
          }
          scratch_ += raw[i];
        }
        escaped_.push_back({labels_.size(), offset, scratch_.size() - offset});
      }
      labels_.push_back({label_name, raw});
      while (pos < n && is_space(line[pos])) ++pos;
      if (pos < n && line[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < n && line[pos] == '}') {
        ++pos;
        break;
      }
      return "expected ',' or '}' after value of label \"" + std::string(label_name) + "\"";
    }
    series_end = pos;
  } else {
    pos = after_name;
    if (pos == series_end && pos < n) return "invalid character after metric name in " + excerpt(line);
  }
  for (const auto& e : escaped_) labels_[e.label].value = std::string_view(scratch_).substr(e.offset, e.size);
  sample.labels = labels_;
  sample.series = line.substr(0, series_end);

  std::size_t tpos = pos;
  const std::string_view value_token = next_token(line, tpos);
  if (value_token.empty()) return "missing value for " + excerpt(sample.series);
  if (!parse_float(value_token, sample.value)) return "invalid value " + excerpt(value_token);
  std::string_view ts_token = next_token(line, tpos);
  bool exemplar = false;
  if (openmetrics && ts_token == "#") {
    ts_token = {};  // an exemplar follows directly after the value
    exemplar = true;
  }
  if (!ts_token.empty()) {
    if (openmetrics) {
      double seconds = 0;
      if (!parse_float(ts_token, seconds) || !std::isfinite(seconds)) return "invalid timestamp " + excerpt(ts_token);
      sample.timestamp_ms = static_cast<TimestampMs>(std::llround(seconds * 1000.0));
    } else if (!parse_int64(ts_token, sample.timestamp_ms)) {
      return "invalid timestamp " + excerpt(ts_token);
    }
    sample.has_timestamp = true;
  }
  if (!exemplar) {
    const std::string_view trailing = next_token(line, tpos);
    if (!trailing.empty() && (!openmetrics || trailing != "#")) return "unexpected text after sample " + excerpt(trailing);
    exemplar = !trailing.empty();
  }
  if (exemplar) {
    // An exemplar: `# {labels} value [timestamp]`; checked for shape only, never stored.
    while (tpos < n && is_space(line[tpos])) ++tpos;
    if (tpos >= n || line[tpos] != '{' || line.find('}', tpos) == std::string_view::npos) {
      return "invalid exemplar " + excerpt(line.substr(std::min(tpos, n)));
    }
  }
  if (openmetrics && options_.skip_created_series && is_created_sample(sample.name)) return std::nullopt;
  handler.on_sample(sample);
  return std::nullopt;
}

namespace {

/// Collects samples into owned structs.
class CollectingHandler final : public ExpositionHandler {
 public:
  explicit CollectingHandler(std::vector<ParsedSample>& out) : out_(out) {}
  void on_sample(const SampleView& sample) override {
    ParsedSample s;
    s.name.assign(sample.name);
    s.labels.reserve(sample.labels.size());
    for (const auto& l : sample.labels) s.labels.emplace_back(std::string(l.name), std::string(l.value));
    s.value = sample.value;
    if (sample.has_timestamp) s.timestamp_ms = sample.timestamp_ms;
    out_.push_back(std::move(s));
  }

 private:
  std::vector<ParsedSample>& out_;
};

}  // namespace

ParsedExposition parse_exposition(std::string_view body, ExpositionFormat format,
                                  ExpositionParseOptions options) {
  ParsedExposition result;
  ExpositionParser parser(options);
  CollectingHandler handler(result.samples);
  result.error = parser.parse(body, format, handler);
  if (result.error) result.samples.clear();
  return result;
}

}  // namespace twikit
