#include "exporter/config_target_files.h"

#include <filesystem>

#include <glob.h>

#include "common/yaml_errors.h"

namespace twikit::exporter {
namespace {

// The files `pattern` matches, sorted; a pattern without wildcards must name an existing file.
std::vector<std::string> expand(const std::string& config_file, const YAML::Node& at, const std::string& pattern) {
  const bool wildcard = pattern.find_first_of("*?[") != std::string::npos;
  glob_t matches{};
  const int rc = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<std::string> files;
  if (rc == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (rc != 0 && rc != GLOB_NOMATCH) fail_at(config_file, at, "cannot read the directories of '" + pattern + "'");
  if (files.empty() && !wildcard) fail_at(config_file, at, "target file '" + pattern + "' does not exist");
  return files;
}

}  // namespace

std::vector<FileTarget> load_target_files(const std::string& config_file, const YAML::Node& patterns,
                                          const TargetReader& read) {
  if (!patterns.IsSequence()) fail_at(config_file, patterns, "target_files must be a list of file patterns");
  const std::filesystem::path base = std::filesystem::path(config_file).parent_path();
  std::vector<FileTarget> out;
  for (const auto& node : patterns) {
    const auto pattern = scalar_as<std::string>(config_file, node, "a file pattern");
    if (pattern.empty()) fail_at(config_file, node, "a target file pattern must not be empty");
    const std::string resolved = std::filesystem::path(pattern).is_absolute() ? pattern : (base / pattern).string();
    for (const std::string& file : expand(config_file, node, resolved)) {
      const YAML::Node root = load_yaml_string(read_config_text(file), file);
      if (!root || root.IsNull()) continue;  // an empty file lists no targets
      if (!root.IsSequence()) fail_at(file, root, "a target file must be a list of targets");
      for (std::size_t i = 0; i < root.size(); ++i) {
        std::string section = "[";  // appended, not "[" + …: GCC 12 -O3 warns (-Wrestrict) on the operator+ form
        section += std::to_string(i);
        section += ']';
        out.push_back({file, root[i], read(file, root[i], section)});
      }
    }
  }
  return out;
}

}  // namespace twikit::exporter
