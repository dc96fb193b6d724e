#include "alertd/notify/config_yaml.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "alertd/notify/duration.h"

namespace twikit::notify::yaml {

std::string Reader::position(const YAML::Node& node) const {
  int line = 0, col = 0;
  if (node.IsDefined()) {
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
      line = mark.line + 1;
      col = mark.column + 1;
    }
  }
  return file_ + ":" + std::to_string(line) + ":" + std::to_string(col);
}

void Reader::fail(const YAML::Node& node, const std::string& message) const {
  throw ConfigError(position(node) + ": " + message);
}

void Reader::check_keys(const YAML::Node& node, const std::vector<std::string>& allowed,
                        const std::string& what) const {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) fail(node, what + " must be a mapping");
  for (const auto& kv : node) {
    const std::string key = str(kv.first);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(kv.first, "unknown field \"" + key + "\" in " + what);
    }
  }
}

std::string Reader::str(const YAML::Node& node) const {
  if (!node.IsScalar()) fail(node, "expected a string");
  return node.as<std::string>();
}

bool Reader::boolean(const YAML::Node& node) const {
  // YAML 1.1's spellings, as Alertmanager's YAML library reads them; a quoted scalar is a string, which that
  // library refuses for a boolean ("cannot unmarshal !!str `yes` into bool").
  const std::string s = str(node);
  if (node.Tag() == "!") fail(node, "expected true or false, got the string \"" + s + "\"");
  for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON"}) {
    if (s == t) return true;
  }
  for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF"}) {
    if (s == f) return false;
  }
  fail(node, "expected true or false, got \"" + s + "\"");
}

std::int64_t Reader::uint(const YAML::Node& node) const {
  const std::string s = str(node);
  if (s.empty() || s.size() > 15 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    fail(node, "expected a non-negative integer, got \"" + s + "\"");
  }
  return std::stoll(s);
}

std::int64_t Reader::duration(const YAML::Node& node) const {
  const std::string s = str(node);
  const auto ms = parse_duration_ms(s);
  if (!ms) fail(node, "invalid duration \"" + s + "\" (expected e.g. 30s, 5m, 4h)");
  return *ms;
}

std::vector<std::string> Reader::strings(const YAML::Node& node, bool allow_csv) const {
  std::vector<std::string> out;
  if (node.IsScalar() && allow_csv) {
    std::stringstream ss(node.as<std::string>());
    std::string item;
    while (std::getline(ss, item, ',')) {
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) out.push_back(item);
    }
    return out;
  }
  if (node.IsNull()) return out;
  if (!node.IsSequence()) fail(node, "expected a list of strings");
  for (const auto& item : node) out.push_back(str(item));
  return out;
}

Matchers Reader::matchers(const YAML::Node& node) const {
  Matchers out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) fail(node, "matchers must be a list of strings such as 'severity=~\"critical|warning\"'");
  for (const auto& item : node) {
    try {
      for (auto& m : parse_matchers(str(item))) out.push_back(std::move(m));
    } catch (const std::invalid_argument& e) {
      fail(item, std::string("bad matcher: ") + e.what());
    }
  }
  return out;
}

std::string Reader::read_secret_file(const YAML::Node& node, const std::string& key) const {
  const std::string path = str(node);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(node, "cannot read secret file named by " + key + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Secret Reader::secret_file(const YAML::Node& node, const std::string& key) const {
  std::filesystem::path path(str(node));
  if (path.empty()) fail(node, key + " is empty");
  if (path.is_relative()) path = std::filesystem::path(file_).parent_path() / path;
  return Secret::from_file(path.string(), key);
}

void Reader::check_url(const YAML::Node& node, const std::string& url, const std::string& what) const {
  if (const auto problem = url_problem(url)) fail(node, "invalid URL in " + what + ": " + *problem);
}

void Reader::check_token(const YAML::Node& node, const std::string& token, const std::string& what) const {
  if (const auto problem = token_problem(token)) fail(node, "invalid bearer token in " + what + ": " + *problem);
}

void Reader::check_env_url(const char* var, const std::string& url) const {
  if (const auto problem = url_problem(url)) {
    throw ConfigError(file_ + ": invalid URL in environment variable " + var + ": " + *problem);
  }
}

void Reader::check_env_token(const char* var, const std::string& token) const {
  if (const auto problem = token_problem(token)) {
    throw ConfigError(file_ + ": invalid bearer token in environment variable " + var + ": " + *problem);
  }
}

std::optional<std::string> env_value(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

}  // namespace twikit::notify::yaml
