#pragma once
// Small helpers for reading YAML with `file:line:col: message` errors (the notification config's loader).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "alertd/notify/config.h"

namespace twikit::notify::yaml {

/// Reads nodes of one file and reports errors against it.
class Reader {
 public:
  /// Errors name `file`.
  explicit Reader(std::string file) : file_(std::move(file)) {}

  /// "file:line:col" of `node` (1-based; 0:0 when the node has no mark).
  std::string position(const YAML::Node& node) const;
  /// Throws ConfigError "file:line:col: message" located at `node` (1-based line and column).
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;
  /// Fails when `node` has keys other than `allowed` (catches typos such as `group_wiat`).
  void check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& what) const;
  /// A scalar string; fails on a non-scalar.
  std::string str(const YAML::Node& node) const;
  /// A boolean; fails on anything but true/false.
  bool boolean(const YAML::Node& node) const;
  /// A non-negative integer.
  std::int64_t uint(const YAML::Node& node) const;
  /// A Prometheus duration in ms.
  std::int64_t duration(const YAML::Node& node) const;
  /// A list of strings (a single string is accepted as a one-element list when `allow_csv` splits it at commas).
  std::vector<std::string> strings(const YAML::Node& node, bool allow_csv = false) const;
  /// A list of matchers in Alertmanager string syntax.
  Matchers matchers(const YAML::Node& node) const;
  /// The trimmed content of the file named by `node` (the value of key `key`); fails at `node` when it
  /// cannot be read. Neither the path nor the content is quoted in errors (a URL pasted as a path is a secret).
  std::string read_secret_file(const YAML::Node& node, const std::string& key) const;
  /// A secret kept as the file named by `node` (the value of key `key`), read when it is used; a relative path
  /// is resolved against the config file's directory, as Alertmanager does. The file is not read now.
  Secret secret_file(const YAML::Node& node, const std::string& key) const;
  /// Fails at `node` when `url` (from `what`, e.g. "webhook_configs url_file") is not an http(s) URL.
  void check_url(const YAML::Node& node, const std::string& url, const std::string& what) const;
  /// Fails at `node` when `token` (from `what`) cannot be a bearer token.
  void check_token(const YAML::Node& node, const std::string& token, const std::string& what) const;
  /// Throws ConfigError "file: invalid URL in environment variable VAR: problem" (an environment value has
  /// no position; the message never quotes it).
  void check_env_url(const char* var, const std::string& url) const;
  /// As check_env_url for a bearer token.
  void check_env_token(const char* var, const std::string& token) const;
  /// The file being read.
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

/// The value of environment variable `name` from `env`; nullopt when unset or empty.
std::optional<std::string> env_value(const EnvLookup& env, const std::string& name);

}  // namespace twikit::notify::yaml
