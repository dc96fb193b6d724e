#include "exporter/document_reader.h"

#include <string_view>
#include <utility>

#include "exporter/json_fields.h"

namespace twikit::exporter {
namespace {

using nlohmann::json;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::size_t kMaxRepairsShown = 5;

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: shortest form, no surrogates, at
// most U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned b0 = byte(0);
  const auto continuation = [](unsigned b) { return (b & 0xC0) == 0x80; };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(byte(1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned b1 = byte(1);
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    return b1 >= lo && b1 <= hi && continuation(byte(2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned b1 = byte(1);
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    return b1 >= lo && b1 <= hi && continuation(byte(2)) && continuation(byte(3)) ? 4 : 0;
  }
  return 0;
}

struct Scan {
  std::size_t too_deep_at = 0;  // 1-based byte offset of the opening bracket past the limit; 0 if none
  std::size_t repaired = 0;     // bytes replaced with U+FFFD
};

// One pass over the body: counts nesting outside strings (stopping at the first bracket past `max_depth`)
// and replaces every byte inside a string that is not part of well-formed UTF-8 with U+FFFD. The body is
// copied only from the first repair on. Bytes outside strings are left to the parser to refuse.
Scan scan_body(std::string& body, std::size_t max_depth) {
  Scan scan;
  std::string repaired;
  bool copying = false;
  const auto start_copy = [&](std::size_t upto) {
    if (copying) return;
    repaired.reserve(body.size() + 64);
    repaired.append(body, 0, upto);
    copying = true;
  };
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  const std::string_view s = body;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 1;
    if (!in_string) {
      if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        if (++depth > max_depth) {
          scan.too_deep_at = i + 1;
          return scan;
        }
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    } else if (c >= 0x80) {
      escaped = false;
      n = utf8_sequence_length(s, i);
      if (n == 0) {
        start_copy(i);
        repaired.append(kReplacement);
        ++scan.repaired;
        ++i;
        continue;
      }
    } else if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_string = false;
    }
    if (copying) repaired.append(s.substr(i, n));
    i += n;
  }
  if (copying) body.swap(repaired);
  return scan;
}

// "unexpected end of input at line 1, column 9" from nlohmann's parse_error text, without the "last read"
// part, which quotes the body's bytes.
std::string describe_parse_error(const json::parse_error& e) {
  const std::string what = e.what();
  const std::size_t at = what.find("parse error at ");
  const std::size_t colon = at == std::string::npos ? std::string::npos : what.find(": ", at);
  const std::size_t dash = colon == std::string::npos ? std::string::npos : what.find(" - ", colon);
  if (dash == std::string::npos) return "syntax error at byte " + std::to_string(e.byte);
  std::string problem = what.substr(dash + 3, what.find("; ", dash) - (dash + 3));
  if (problem.size() > 100) problem.resize(100);
  return problem + " " + what.substr(at + 12, colon - (at + 12));
}

// "number 1e400 is out of range" from nlohmann's out_of_range.406 text ("number overflow parsing '1e400'").
std::string describe_out_of_range(const json::out_of_range& e) {
  const std::string what = e.what();
  const std::size_t open = what.find('\'');
  const std::size_t close = what.rfind('\'');
  if (open == std::string::npos || close <= open) return "number out of range";
  const std::string literal = what.substr(open + 1, close - open - 1);
  if (literal.size() > 32) return "number " + literal.substr(0, 32) + "\xE2\x80\xA6 is out of range";
  return "number " + literal + " is out of range";
}

// The paths of strings (values or keys) that hold U+FFFD, depth first, at most kMaxRepairsShown. The
// document is at most kMaxDocumentDepth deep, and the walk keeps its own stack.
std::vector<std::string> repaired_paths(const json& document) {
  std::vector<std::string> found;
  std::vector<std::pair<const json*, std::string>> stack{{&document, ""}};
  while (!stack.empty() && found.size() < kMaxRepairsShown) {
    auto [node, path] = std::move(stack.back());
    stack.pop_back();
    if (node->is_string()) {
      if (node->get_ref<const std::string&>().find(kReplacement) != std::string::npos) {
        found.push_back(path + ": invalid UTF-8 replaced with U+FFFD");
      }
    } else if (node->is_object()) {
      for (auto it = node->rbegin(); it != node->rend(); ++it) {
        std::string child = child_path(path, it.key());
        if (it.key().find(kReplacement) != std::string::npos) {
          found.push_back(child + ": invalid UTF-8 replaced with U+FFFD");
          if (it.value().is_string()) continue;  // reported once per path
        }
        stack.emplace_back(&it.value(), std::move(child));
      }
    } else if (node->is_array()) {
      for (std::size_t i = node->size(); i-- > 0;) stack.emplace_back(&(*node)[i], element_path(path, i));
    }
  }
  if (found.size() > kMaxRepairsShown) found.resize(kMaxRepairsShown);
  return found;
}

}  // namespace

DocumentRead read_document(std::string body, std::size_t max_depth) {
  DocumentRead out;
  out.reason = "invalid_json";
  try {
    const Scan scan = scan_body(body, max_depth);
    if (scan.too_deep_at != 0) {
      out.error = "body is nested deeper than " + std::to_string(max_depth) + " levels (at byte " +
                  std::to_string(scan.too_deep_at) + ")";
      return out;
    }
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
      out.error = "body is empty";
      return out;
    }
    try {
      out.document = json::parse(body);
    } catch (const json::parse_error& e) {
      out.error = "body is not valid JSON: " + describe_parse_error(e);
      return out;
    } catch (const json::out_of_range& e) {
      out.error = "body is not valid JSON: " + describe_out_of_range(e);
      return out;
    }
    std::string().swap(body);  // the document holds what is needed; a big body goes at once
    if (!out.document.is_object()) {
      out.reason = "mapping";
      out.error = std::string("document root: expected an object, got ") + out.document.type_name();
      out.document = json();
      return out;
    }
    if (scan.repaired > 0) out.repairs = repaired_paths(out.document);
    out.reason.clear();
  } catch (const std::exception& e) {
    out.reason = "invalid_json";
    out.error = std::string("body could not be read: ") + e.what();
    out.document = json();
  }
  return out;
}

}  // namespace twikit::exporter
