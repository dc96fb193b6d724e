#pragma once
// JSON text that cannot fail: every serialisation alertd writes (API bodies, notification payloads,
// SQLite rows) goes through safe_dump(), so a label value that is not valid UTF-8 — made inside alertd
// by label_replace or a template — is written with U+FFFD in place of each invalid sequence instead of
// throwing nlohmann's type_error.316.

#include <string>

#include <nlohmann/json.hpp>

namespace twikit {

/// Serialises `value` like `value.dump(indent)`, replacing invalid UTF-8 in strings with U+FFFD. Never
/// throws a nlohmann exception (only std::bad_alloc can escape).
std::string safe_dump(const nlohmann::json& value, int indent = -1);
/// The same for an ordered_json (keys in insertion order, as the Prometheus-shaped bodies need).
std::string safe_dump(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace twikit
