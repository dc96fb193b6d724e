#include "alertd/rules_api/rule_store.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace twikit::rules_api {

namespace fs = std::filesystem;

RuleStore::RuleStore(std::string managed_dir) : dir_(std::move(managed_dir)) {}

std::string RuleStore::disabled_dir() const { return (fs::path(dir_) / "disabled").string(); }

std::string RuleStore::history_path() const { return (fs::path(dir_) / "history.db").string(); }

bool RuleStore::is_managed(const std::string& path) const {
  return fs::path(normal_path(path)).parent_path() == fs::path(normal_path(dir_));
}

std::vector<rules::RuleFile> RuleStore::read(bool disabled) const {
  const fs::path dir = disabled ? fs::path(disabled_dir()) : fs::path(dir_);
  std::vector<std::string> paths;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file() && name.size() > 4 && name[0] != '.' && name.ends_with(".yml")) {
      paths.push_back((dir / name).string());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<rules::RuleFile> files;
  for (const auto& p : paths) files.push_back(rules::load_rule_file(p));
  return files;
}

std::string RuleStore::path_for_group(const std::string& group, bool disabled) const {
  std::string name;
  for (const char c : group) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    name += safe ? c : '_';
  }
  if (name != group || name.empty() || name.size() > 100) name = name.substr(0, 100) + "-" + hash_hex(group).substr(0, 8);
  return ((disabled ? fs::path(disabled_dir()) : fs::path(dir_)) / (name + ".yml")).string();
}

std::string normal_path(const std::string& path) { return fs::absolute(fs::path(path)).lexically_normal().string(); }

std::string hash_hex(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string managed_rule_id(const std::string& group, const std::string& name, std::size_t ordinal) {
  std::string key = "managed";
  key += '\0';
  key += group;
  key += '\0';
  key += name;
  if (ordinal > 0) key += '\0' + std::to_string(ordinal);
  return hash_hex(key);
}

std::string file_rule_id(const std::string& file, const std::string& group, const std::string& name,
                         std::size_t ordinal) {
  std::string key = "file";
  key += '\0';
  key += file;
  key += '\0';
  key += group;
  key += '\0';
  key += name;
  if (ordinal > 0) key += '\0' + std::to_string(ordinal);
  return hash_hex(key);
}

}  // namespace twikit::rules_api
