#pragma once
// Configuration errors with positions: every loader reports `file:line:col: message` (1-based).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "common/duration.h"

namespace twikit {

/// A configuration error that already carries its `file:line:col: ` prefix in what().
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "file:line:col" for `node` (1-based, as editors count); just "file" when the node has no mark.
std::string yaml_position(const std::string& file, const YAML::Node& node);

/// Throws ConfigError "file:line:col: message" located at `node`.
[[noreturn]] void fail_at(const std::string& file, const YAML::Node& node, const std::string& message);

/// Parses the YAML file at `path`; syntax errors become ConfigError with their position.
YAML::Node load_yaml_file(const std::string& path);

/// Reads the whole file at `path`; throws ConfigError "path: cannot open file" when it cannot.
std::string read_config_text(const std::string& path);

/// A key written twice in one mapping.
struct DuplicateKey {
  YAML::Node key;          ///< The second occurrence (its Mark() is where to report).
  std::string name;        ///< The key.
  int first_line = 0;      ///< 1-based line of the first occurrence.
};

/// The first key written twice in any mapping under `root` (merge keys `<<` aside), or nullopt. Iterative
/// and bounded to a million nodes (aliases can make a small file a large tree).
std::optional<DuplicateKey> find_duplicate_key(const YAML::Node& root);

/// Throws ConfigError at the second occurrence of a key in any mapping under `root`: a key written twice is
/// a mistake (the first value would silently lose), and Prometheus and Alertmanager reject it too.
void check_duplicate_keys(const std::string& file, const YAML::Node& root);

/// Parses YAML `text` that came from `file` (a name for messages only); syntax errors and duplicate keys
/// become ConfigError with their position.
YAML::Node load_yaml_string(const std::string& text, const std::string& file);

/// Throws ConfigError at the first key of mapping `node` that is not in `allowed`
/// (unknown fields are errors, as in Prometheus' strict YAML).
void check_keys(const std::string& file, const YAML::Node& node,
                std::initializer_list<const char*> allowed);

/// Like check_keys() above, naming where `node` is and what it accepts:
/// "file:line:col: field intervall not found in collection (allowed: mode, interval, ...)". `section` is the
/// mapping's path in the file, e.g. "collection", "targets[2]", "services.session_manager[0].state_set".
void check_keys(const std::string& file, const YAML::Node& node, const std::string& section,
                std::initializer_list<const char*> allowed);

/// Reads a scalar as `T`; throws ConfigError at the node with "expected <what>" when it does not convert.
template <typename T>
T scalar_as(const std::string& file, const YAML::Node& node, const char* what) {
  if (!node.IsScalar()) fail_at(file, node, std::string("expected ") + what);
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    fail_at(file, node, std::string("expected ") + what + ", got '" + node.Scalar() + "'");
  }
}

/// Reads a Prometheus duration scalar, throwing ConfigError at the node when it is malformed.
std::int64_t duration_ms_at(const std::string& file, const YAML::Node& node);

}  // namespace twikit
