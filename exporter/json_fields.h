#pragma once
// Typed reads of a service document's fields that never throw: a value of the wrong type is an error
// message naming the field's JSON path ("system.response_time_ms: expected a number, got string").

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace twikit::exporter {

/// `parent` and `key` joined as messages show a path: "system" + "response_time_ms" → "system.response_time_ms".
std::string child_path(const std::string& parent, std::string_view key);

/// The path of element `index` of the array at `parent`: "dependencies[0]".
std::string element_path(const std::string& parent, std::size_t index);

/// Follows dotted `path` ("metrics.sessions.total"; numeric segments index arrays) from `root`, which is
/// shown as `shown` in messages ("" for the document root). Returns nullptr and sets `error` to
/// "<path>: not found" or "<path>: expected an object, got <type>" when it cannot.
const nlohmann::json* resolve_path(const nlohmann::json& root, std::string_view path, const std::string& shown,
                                   std::string& error);

/// A finite number from a JSON number, a boolean (1 or 0) or a string holding a decimal number; otherwise
/// nullopt and `error` = "<path>: expected a number, got <type>" (or "<path>: number out of range").
std::optional<double> read_number(const nlohmann::json& value, const std::string& path, std::string& error);

/// A label value: a string as it is, a number in its shortest round-trip form, a boolean as true/false;
/// otherwise nullopt and `error` = "<path>: expected a string, got <type>".
std::optional<std::string> read_label_value(const nlohmann::json& value, const std::string& path,
                                            std::string& error);

/// `text` in double quotes for a message, cut to at most 64 bytes at a character boundary ("…" marks a cut).
/// `text` must be valid UTF-8, as every string of a document read by read_document() is.
std::string quoted_for_message(std::string_view text);

}  // namespace twikit::exporter
