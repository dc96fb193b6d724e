#pragma once
// `target_files:` in exporter.yaml: globs of YAML files, each a list of targets in the shape of `targets:`,
// so a thousand targets live beside the configuration instead of inside it (as Prometheus' file_sd_configs).

#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "exporter/config.h"

namespace twikit::exporter {

/// One target read from a target file, with where it was written (for later checks' error positions).
struct FileTarget {
  /// The target file, as its pattern named it (joined to the configuration's directory when relative).
  std::string file;
  /// The target's node in that file.
  YAML::Node node;
  /// The target.
  Target target;
};

/// Reads one target node of `file` (`section` names it in messages); throws ConfigError.
using TargetReader = std::function<Target(const std::string& file, const YAML::Node& node, const std::string& section)>;

/// Expands the `target_files` node `patterns` of configuration file `config_file` (a list of glob patterns,
/// relative ones resolved against the configuration's directory) and reads every matched file, in pattern
/// order and sorted within a pattern, with `read`. A pattern without wildcards must name an existing file;
/// a glob may match none. Throws ConfigError "file:line:col: message" in the configuration or target file.
std::vector<FileTarget> load_target_files(const std::string& config_file, const YAML::Node& patterns,
                                          const TargetReader& read);

}  // namespace twikit::exporter
