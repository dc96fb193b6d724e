#include "common/yaml_errors.h"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace twikit {

std::string yaml_position(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void fail_at(const std::string& file, const YAML::Node& node, const std::string& message) {
  throw ConfigError(yaml_position(file, node) + ": " + message);
}

YAML::Node load_yaml_string(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  check_duplicate_keys(file, root);
  return root;
}

void check_duplicate_keys(const std::string& file, const YAML::Node& root) {
  if (const auto dup = find_duplicate_key(root)) {
    fail_at(file, dup->key,
            "key \"" + dup->name + "\" already set in map (first at line " + std::to_string(dup->first_line) + ")");
  }
}

std::optional<DuplicateKey> find_duplicate_key(const YAML::Node& root) {
  // Iterative, and bounded: aliases can make a small file a large tree, which the loaders bound elsewhere.
  constexpr std::size_t kMaxNodes = 1'000'000;
  std::vector<YAML::Node> todo{root};
  std::size_t visited = 0;
  while (!todo.empty() && visited++ < kMaxNodes) {
    const YAML::Node node = todo.back();
    todo.pop_back();
    if (node.IsMap()) {
      std::map<std::string, int> seen;  // key -> line of its first occurrence
      for (const auto& kv : node) {
        if (kv.first.IsScalar() && kv.first.Scalar() != "<<") {
          const auto [it, fresh] = seen.emplace(kv.first.Scalar(), kv.first.Mark().line + 1);
          if (!fresh) return DuplicateKey{kv.first, kv.first.Scalar(), it->second};
        }
        todo.push_back(kv.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) todo.push_back(item);
    }
  }
  return std::nullopt;
}

std::string read_config_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

YAML::Node load_yaml_file(const std::string& path) { return load_yaml_string(read_config_text(path), path); }

void check_keys(const std::string& file, const YAML::Node& node,
                std::initializer_list<const char*> allowed) {
  if (!node.IsMap()) fail_at(file, node, "expected a mapping");
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) fail_at(file, kv.first, "expected a field name");
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) fail_at(file, kv.first, "field " + key + " not found in type");
  }
}

void check_keys(const std::string& file, const YAML::Node& node, const std::string& section,
                std::initializer_list<const char*> allowed) {
  if (!node.IsMap()) fail_at(file, node, section + ": expected a mapping");
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) fail_at(file, kv.first, section + ": expected a field name");
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (ok) continue;
    std::string known;
    for (const char* a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
    fail_at(file, kv.first, "field " + key + " not found in " + section + " (allowed: " + known + ")");
  }
}

std::int64_t duration_ms_at(const std::string& file, const YAML::Node& node) {
  if (!node.IsScalar()) fail_at(file, node, "expected a duration");
  auto ms = parse_duration_ms(node.Scalar());
  if (!ms) fail_at(file, node, "not a valid duration string: \"" + node.Scalar() + "\"");
  return *ms;
}

}  // namespace twikit
