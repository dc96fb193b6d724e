#pragma once
// Turns a service's /status body into a JSON document without trusting it: nesting is bounded before
// parsing, invalid UTF-8 in strings is replaced, nothing throws, and every refusal is a short reason in
// the project's words.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace twikit::exporter {

/// Arrays and objects nested deeper than this are refused before parsing (the contract needs about 5;
/// nlohmann's dump, copy and comparison recurse once per level).
inline constexpr std::size_t kMaxDocumentDepth = 64;

/// The outcome of reading one body.
struct DocumentRead {
  /// The parsed document (an object) when `reason` is empty.
  nlohmann::json document;
  /// Empty on success, else a twikit_scrape_errors_total reason: "invalid_json" or "mapping".
  std::string reason;
  /// Why, for /health and the log ("body is not valid JSON: unexpected end of input at line 1, column 9").
  std::string error;
  /// Repairs made to a usable document, one "<path>: invalid UTF-8 replaced with U+FFFD" per string
  /// (at most 5); they count as mapping errors.
  std::vector<std::string> repairs;

  /// Whether `document` can be mapped.
  bool ok() const { return reason.empty(); }
};

/// Reads `body` (consumed: its memory is released as soon as the document is built). Never throws
/// except std::bad_alloc; a body nested deeper than `max_depth` is refused without being parsed.
DocumentRead read_document(std::string body, std::size_t max_depth = kMaxDocumentDepth);

}  // namespace twikit::exporter
